#include "plugins/common/control/host_backend.h"

#include <algorithm>

#include "phpeek/json.hpp"

namespace phpeek::control {
namespace {

// How long an HTTP worker waits for the supervisor loop to accept a command. Acceptance is
// validation plus a queue push, so this only matters when the loop is badly stalled.
constexpr uint32_t kAcceptTimeoutMs = 2000;

BackendResult FromStatus(const phpeek::v1::Status& s) {
  BackendResult r;
  r.message = s.message;
  switch (s.code) {
    case PHPEEK_OK:
      r.code = BackendCode::kOk;
      break;
    case PHPEEK_E_NOT_FOUND:
      r.code = BackendCode::kNotFound;
      break;
    case PHPEEK_E_INVALID_ARGUMENT:
      r.code = BackendCode::kInvalidArgument;
      break;
    case PHPEEK_E_STATE:
      r.code = BackendCode::kState;
      break;
    case PHPEEK_E_STOPPING:
      r.code = BackendCode::kStopping;
      break;
    case PHPEEK_E_TIMEOUT:
      r.code = BackendCode::kTimeout;
      break;
    case PHPEEK_E_UNSUPPORTED:
      r.code = BackendCode::kUnsupported;
      break;
    default:
      r.code = BackendCode::kInternal;
      break;
  }
  return r;
}

int32_t OpCode(ControlOp op) {
  switch (op) {
    case ControlOp::kStart:
      return PHPEEK_OP_START;
    case ControlOp::kStop:
      return PHPEEK_OP_STOP;
    case ControlOp::kRestart:
      return PHPEEK_OP_RESTART;
    case ControlOp::kScale:
      return PHPEEK_OP_SCALE;
    case ControlOp::kReload:
      return PHPEEK_OP_RELOAD;
    case ControlOp::kSignal:
      return PHPEEK_OP_SIGNAL;
    case ControlOp::kSignalGroup:
      return PHPEEK_OP_SIGNAL_GROUP;
  }
  return 0;
}

}  // namespace

BackendResult HostBackend::ListProcesses(std::string* json) {
  return FromStatus(host_.processList(json));
}

BackendResult HostBackend::GetProcess(const std::string& name, std::string* json) {
  return FromStatus(host_.processGet(name, json));
}

BackendResult HostBackend::Control(ControlOp op, const std::string& name, int arg) {
  return FromStatus(host_.control(OpCode(op), name, arg, kAcceptTimeoutMs));
}

BackendResult HostBackend::DaemonStatus(std::string* json) {
  return FromStatus(host_.daemonStatus(json));
}

BackendResult HostBackend::GetSchedule(const std::string& name, std::string* json) {
  return FromStatus(host_.jobGet(name, json));
}

BackendResult HostBackend::GetHistory(const std::string& name, uint32_t limit, std::string* json) {
  return FromStatus(host_.jobHistory(name, limit, json));
}

BackendResult HostBackend::ControlJob(JobOp op, const std::string& name, int64_t* run_id) {
  const int32_t code = op == JobOp::kPause    ? PHPEEK_JOB_OP_PAUSE
                       : op == JobOp::kResume ? PHPEEK_JOB_OP_RESUME
                                              : PHPEEK_JOB_OP_TRIGGER;
  std::string answer;
  BackendResult r = FromStatus(host_.jobControl(code, name, kAcceptTimeoutMs, &answer));
  json::Document doc;
  if (r.code == BackendCode::kOk && doc.Parse(answer)) {
    const json::Read<int64_t> id = doc.root()["run_id"].AsInt64();
    if (id.ok()) *run_id = id.value;
  }
  return r;
}

BackendResult HostBackend::WaitRun(const std::string& name, int64_t run_id,
                                   std::chrono::milliseconds timeout, std::string* json) {
  const auto ms = static_cast<uint32_t>(std::clamp<int64_t>(timeout.count(), 0, UINT32_MAX));
  return FromStatus(host_.jobWait(name, run_id, ms, json));
}

// Reading and checking the file is quick; the supervisor applies it in one turn of its loop.
BackendResult HostBackend::ReloadConfig(std::string* json) {
  constexpr uint32_t kReloadTimeoutMs = 30000;
  return FromStatus(host_.configReload(kReloadTimeoutMs, json));
}

BackendResult HostBackend::ReadLogs(const LogQuery& query, std::string* json) {
  return FromStatus(host_.logRead(query.process, query.instance, query.since, query.limit, json));
}

// Every process's lines from now on: the backlog (the newest line) is not wanted.
BackendResult HostBackend::FollowLogs(uint32_t queue_lines, uint64_t* id) {
  std::string backlog;
  return FromStatus(host_.logFollow("", "", 0, 1, queue_lines, id, &backlog));
}

BackendResult HostBackend::NextLogs(uint64_t id, std::chrono::milliseconds wait,
                                    std::string* json) {
  const auto ms = static_cast<uint32_t>(std::clamp<int64_t>(wait.count(), 0, UINT32_MAX));
  return FromStatus(host_.logNext(id, ms, json));
}

void HostBackend::UnfollowLogs(uint64_t id) { (void)host_.logUnfollow(id); }

}  // namespace phpeek::control
