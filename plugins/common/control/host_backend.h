// Backend over the SDK's host services: the process table, process control, the daemon's status,
// the scheduled-job, reload and process-log services (ABI 1.1) of the daemon the plugin is loaded
// into.
#pragma once

#include "phpeek/plugin.hpp"
#include "plugins/common/control/backend.h"

namespace phpeek::control {

class HostBackend : public Backend {
 public:
  explicit HostBackend(phpeek::v1::Host host) : host_(host) {}

  BackendResult ListProcesses(std::string* json) override;
  BackendResult GetProcess(const std::string& name, std::string* json) override;
  BackendResult Control(ControlOp op, const std::string& name, int arg) override;
  BackendResult DaemonStatus(std::string* json) override;
  BackendResult GetSchedule(const std::string& name, std::string* json) override;
  BackendResult GetHistory(const std::string& name, uint32_t limit, std::string* json) override;
  BackendResult ControlJob(JobOp op, const std::string& name, int64_t* run_id) override;
  BackendResult WaitRun(const std::string& name, int64_t run_id, std::chrono::milliseconds timeout,
                        std::string* json) override;
  BackendResult ReloadConfig(std::string* json) override;
  BackendResult ReadLogs(const LogQuery& query, std::string* json) override;
  BackendResult FollowLogs(uint32_t queue_lines, uint64_t* id) override;
  BackendResult NextLogs(uint64_t id, std::chrono::milliseconds wait, std::string* json) override;
  void UnfollowLogs(uint64_t id) override;

 private:
  phpeek::v1::Host host_;
};

}  // namespace phpeek::control
