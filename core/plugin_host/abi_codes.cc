#include "core/plugin_host/abi_codes.h"

#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_host {

const char* StatusName(int32_t status) {
  switch (status) {
    case PHPEEK_OK:
      return "OK";
    case PHPEEK_E_INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case PHPEEK_E_NOT_FOUND:
      return "NOT_FOUND";
    case PHPEEK_E_STATE:
      return "STATE";
    case PHPEEK_E_UNSUPPORTED:
      return "UNSUPPORTED";
    case PHPEEK_E_TIMEOUT:
      return "TIMEOUT";
    case PHPEEK_E_WOULD_BLOCK:
      return "WOULD_BLOCK";
    case PHPEEK_E_STOPPING:
      return "STOPPING";
    case PHPEEK_E_TYPE:
      return "TYPE";
    case PHPEEK_E_DENIED:
      return "DENIED";
    case PHPEEK_E_VERSION:
      return "VERSION";
    default:
      return "INTERNAL";
  }
}

int32_t ToAbiStatus(ControlResult result) {
  switch (result) {
    case ControlResult::kAccepted:
      return PHPEEK_OK;
    case ControlResult::kInvalidArgument:
      return PHPEEK_E_INVALID_ARGUMENT;
    case ControlResult::kNotFound:
      return PHPEEK_E_NOT_FOUND;
    case ControlResult::kStopping:
      return PHPEEK_E_STOPPING;
    case ControlResult::kState:
      return PHPEEK_E_STATE;
    case ControlResult::kTimeout:
      return PHPEEK_E_TIMEOUT;
  }
  return PHPEEK_E_INTERNAL;
}

std::optional<ControlOp> FromAbiOp(int32_t op) {
  switch (op) {
    case PHPEEK_OP_START:
      return ControlOp::kStart;
    case PHPEEK_OP_STOP:
      return ControlOp::kStop;
    case PHPEEK_OP_RESTART:
      return ControlOp::kRestart;
    case PHPEEK_OP_SCALE:
      return ControlOp::kScale;
    case PHPEEK_OP_RELOAD:
      return ControlOp::kReload;
    case PHPEEK_OP_SIGNAL:
      return ControlOp::kSignal;
    case PHPEEK_OP_SIGNAL_GROUP:
      return ControlOp::kSignalGroup;
    default:
      return std::nullopt;
  }
}

std::optional<JobOp> FromAbiJobOp(int32_t op) {
  switch (op) {
    case PHPEEK_JOB_OP_PAUSE:
      return JobOp::kPause;
    case PHPEEK_JOB_OP_RESUME:
      return JobOp::kResume;
    case PHPEEK_JOB_OP_TRIGGER:
      return JobOp::kTrigger;
    default:
      return std::nullopt;
  }
}

uint32_t ToAbiEventType(EventType type) {
  switch (type) {
    case EventType::kStateChanged:
      return PHPEEK_EVENT_STATE_CHANGED;
    case EventType::kSpawned:
      return PHPEEK_EVENT_SPAWNED;
    case EventType::kExited:
      return PHPEEK_EVENT_EXITED;
    case EventType::kConfigReloaded:
      return PHPEEK_EVENT_CONFIG_RELOADED;
    case EventType::kShuttingDown:
      return PHPEEK_EVENT_SHUTTING_DOWN;
    case EventType::kHealthChanged:
      return PHPEEK_EVENT_HEALTH_CHANGED;
    case EventType::kReadinessChanged:
      return 0;
    case EventType::kHookFinished:
      return PHPEEK_EVENT_HOOK_FINISHED;
    case EventType::kJobRunStarted:
      return PHPEEK_EVENT_JOB_RUN_STARTED;
    case EventType::kJobRunFinished:
      return PHPEEK_EVENT_JOB_RUN_FINISHED;
    case EventType::kDependencyBlocked:
      return PHPEEK_EVENT_DEPENDENCY_BLOCKED;
  }
  return 0;
}

uint32_t AbiEventMinor(EventType type) {
  switch (type) {
    case EventType::kHealthChanged:
    case EventType::kHookFinished:
    case EventType::kJobRunStarted:
    case EventType::kJobRunFinished:
    case EventType::kDependencyBlocked:
      return 1;
    default:
      return 0;
  }
}

int32_t ToAbiState(std::string_view state) {
  struct Entry {
    std::string_view word;
    int32_t code;
  };
  static constexpr Entry kStates[] = {
      {"starting", PHPEEK_STATE_STARTING},   {"running", PHPEEK_STATE_RUNNING},
      {"backoff", PHPEEK_STATE_BACKOFF},     {"stopping", PHPEEK_STATE_STOPPING},
      {"stopped", PHPEEK_STATE_STOPPED},     {"failed", PHPEEK_STATE_FAILED},
      {"completed", PHPEEK_STATE_COMPLETED}, {"degraded", PHPEEK_STATE_DEGRADED},
      {"suspended", PHPEEK_STATE_SUSPENDED}, {"blocked", PHPEEK_STATE_BLOCKED},
  };
  for (const Entry& e : kStates) {
    if (e.word == state) return e.code;
  }
  return PHPEEK_STATE_UNKNOWN;
}

int32_t ToAbiHealth(std::string_view health) {
  if (health == "healthy") return PHPEEK_HEALTH_HEALTHY;
  if (health == "unhealthy") return PHPEEK_HEALTH_UNHEALTHY;
  return PHPEEK_HEALTH_UNKNOWN;
}

}  // namespace phpeek::plugin_host
