// What the HTTP layer needs from the daemon, as a small interface: HostBackend (host_backend.h)
// implements it over the SDK's host services, and the unit tests implement it with a fake. Every
// method is called from HTTP worker threads concurrently, so implementations must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace phpeek::control {

enum class BackendCode {
  kOk,
  kNotFound,         // no such process
  kInvalidArgument,  // e.g. scale outside the process's max_scale
  kState,            // the request does not fit the current state
  kStopping,         // the daemon is shutting down
  kTimeout,          // not accepted in time
  kUnsupported,      // the host does not know the operation
  kInternal,
};

struct BackendResult {
  BackendCode code = BackendCode::kOk;
  std::string message;  // for errors: the host's explanation
};

enum class ControlOp { kStart, kStop, kRestart, kScale, kReload, kSignal, kSignalGroup };

enum class JobOp { kPause, kResume, kTrigger };

// Which process log lines to read (the host's log_read, plugin_abi.h).
struct LogQuery {
  std::string process;   // "": every process
  std::string instance;  // "": every instance (of `process`, when set)
  uint64_t since = 0;    // 0: the newest `limit` lines; else the oldest `limit` with seq > since
  uint32_t limit = 100;  // 1..10000
};

class Backend {
 public:
  virtual ~Backend() = default;
  // {"schema":1,"processes":[{"name","state","scale","instances":[{"id","state","pid",
  // "started_at","restart_count",...}]}]}; unknown keys are ignored.
  virtual BackendResult ListProcesses(std::string* json) = 0;
  // {"schema":1,"name",...} for one process.
  virtual BackendResult GetProcess(const std::string& name, std::string* json) = 0;
  // Queues the operation; `arg` is the instance count for kScale, the signal number for kSignal
  // and kSignalGroup.
  virtual BackendResult Control(ControlOp op, const std::string& name, int arg) = 0;
  // {"schema":1,...,"ready":bool,"waiting":[...],"failed":[...]}: the host's daemon_status.
  virtual BackendResult DaemonStatus(std::string* json) = 0;

  // Scheduled jobs (ABI 1.1 job services); a host without them answers kUnsupported, and a
  // process without `schedule` kState.
  // {"schema":1,"name","schedule","timezone","schedule_state",...} of one job.
  virtual BackendResult GetSchedule(const std::string& /*name*/, std::string* /*json*/) {
    return {BackendCode::kUnsupported, "this daemon has no scheduled jobs"};
  }
  // {"schema":1,"name","runs":[...]}, newest first, at most `limit` (0 = all kept).
  virtual BackendResult GetHistory(const std::string& /*name*/, uint32_t /*limit*/,
                                   std::string* /*json*/) {
    return {BackendCode::kUnsupported, "this daemon has no scheduled jobs"};
  }
  // Applied by the supervisor before it returns; `run_id` receives a trigger's run.
  virtual BackendResult ControlJob(JobOp /*op*/, const std::string& /*name*/, int64_t* /*run_id*/) {
    return {BackendCode::kUnsupported, "this daemon has no scheduled jobs"};
  }
  // Waits up to `timeout` for run `run_id` to end: {"schema":1,"id",...,"result"}. kTimeout when
  // it is still active then.
  virtual BackendResult WaitRun(const std::string& /*name*/, int64_t /*run_id*/,
                                std::chrono::milliseconds /*timeout*/, std::string* /*json*/) {
    return {BackendCode::kUnsupported, "this daemon has no scheduled jobs"};
  }

  // Reads the configuration file again and puts it in force (the host's config_reload). kOk:
  // {"schema":1,"status":"reloaded",...}; kInvalidArgument: the file is invalid and `json` holds
  // {"schema":1,"status":"invalid","errors":[...]}; kState: another reload is under way.
  virtual BackendResult ReloadConfig(std::string* /*json*/) {
    return {BackendCode::kUnsupported, "this daemon cannot reload its configuration"};
  }

  // Process logs (ABI 1.1 log services); a host without them answers kUnsupported.
  // {"schema":1,"entries":[E...],"more":B,"newest_seq":N}, E as plugin_abi.h says. kNotFound: an
  // unknown process or instance; kInvalidArgument: since above the newest seq.
  virtual BackendResult ReadLogs(const LogQuery& /*query*/, std::string* /*json*/) {
    return {BackendCode::kUnsupported, "this daemon keeps no process logs"};
  }
  // Starts following every process's new lines (queue of `queue_lines`); `*id` for NextLogs.
  virtual BackendResult FollowLogs(uint32_t /*queue_lines*/, uint64_t* /*id*/) {
    return {BackendCode::kUnsupported, "this daemon keeps no process logs"};
  }
  // Waits up to `wait` for lines: {"schema":1,"entries":[E...],"dropped":N,"closed":B}.
  virtual BackendResult NextLogs(uint64_t /*id*/, std::chrono::milliseconds /*wait*/,
                                 std::string* /*json*/) {
    return {BackendCode::kUnsupported, "this daemon keeps no process logs"};
  }
  // Ends a follow; a NextLogs waiting on it returns at once (closed).
  virtual void UnfollowLogs(uint64_t /*id*/) {}
};

}  // namespace phpeek::control
