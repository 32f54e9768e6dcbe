// An in-memory Backend for the API tests: a few processes, a log of control calls, and process
// logs (fake_log_store.h).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "plugins/common/control/backend.h"
#include "tests/unit/rest_api/fake_log_store.h"

namespace phpeek::rest::testing {

struct ControlCall {
  control::ControlOp op;
  std::string name;
  int arg;
};

class FakeBackend : public control::Backend {
 public:
  // Processes "web" (scale 2, running) and "queue" (scale 0, stopped).
  FakeBackend();

  control::BackendResult ListProcesses(std::string* json) override;
  control::BackendResult GetProcess(const std::string& name, std::string* json) override;
  control::BackendResult Control(control::ControlOp op, const std::string& name, int arg) override;
  control::BackendResult DaemonStatus(std::string* json) override;
  control::BackendResult ReadLogs(const control::LogQuery& query, std::string* json) override {
    return logs_.Read(query, json);
  }
  control::BackendResult FollowLogs(uint32_t queue_lines, uint64_t* id) override {
    return logs_.Follow(queue_lines, id);
  }
  control::BackendResult NextLogs(uint64_t id, std::chrono::milliseconds wait,
                                  std::string* json) override {
    return logs_.Next(id, wait, json);
  }
  void UnfollowLogs(uint64_t id) override { logs_.Unfollow(id); }

  // The process logs the log routes read.
  FakeLogStore& logs() { return logs_; }

  void AddProcess(const std::string& name, int scale);
  std::vector<ControlCall> calls() const;
  // What DaemonStatus answers: the document, or an error when `result` is not kOk.
  void SetDaemonStatus(std::string json, control::BackendResult result = {});
  // Makes the next Control call fail with `result`.
  void FailNextControl(control::BackendResult result);

 private:
  struct Process {
    std::string name;
    int scale;
  };
  std::string ProcessJson(const Process& p) const;

  mutable std::mutex mu_;
  std::vector<Process> processes_;
  std::vector<ControlCall> calls_;
  std::string daemon_json_ = R"({"schema":1,"ready":true,"waiting":[],"failed":[]})";
  control::BackendResult daemon_result_;
  bool fail_next_ = false;
  control::BackendResult failure_;
  FakeLogStore logs_;
};

}  // namespace phpeek::rest::testing
