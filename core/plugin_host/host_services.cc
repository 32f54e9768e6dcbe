// The host services table (phpeek_host_api_v1). Every thunk is noexcept and catches everything
// (service_call.h). The process-log services are log_services.cc's.
#include <unistd.h>

#include <chrono>
#include <exception>
#include <string>
#include <string_view>

#include "core/json/json_writer.h"
#include "core/log/log.h"
#include "core/plugin_host/abi_codes.h"
#include "core/plugin_host/config_lookup.h"
#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/log_json.h"
#include "core/plugin_host/log_services.h"
#include "core/plugin_host/process_json.h"
#include "core/plugin_host/service_call.h"
#include "core/process_logs/history.h"
#include "core/schedule/job_json.h"
#include "core/schedule/scheduled_job.h"

namespace phpeek::plugin_host {
namespace {

// The daemon's start (unix ms), taken when the binary is loaded, before main runs.
const int64_t kStartedAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();

void Log(phpeek_host* h, int32_t level, const char* msg, size_t len) noexcept {
  try {
    if (h == nullptr) return;
    const std::string_view text = msg == nullptr ? std::string_view() : std::string_view(msg, len);
    log::Level lv = log::Level::kError;
    if (level == PHPEEK_LOG_DEBUG) lv = log::Level::kDebug;
    if (level == PHPEEK_LOG_INFO) lv = log::Level::kInfo;
    if (level == PHPEEK_LOG_WARN) lv = log::Level::kWarn;
    if (log::Enabled(lv)) log::Write(lv, text, {{"plugin", h->plugin_name}});
  } catch (...) {
  }
}

int32_t ConfigGetJsonThunk(phpeek_host* h, const char* pointer, phpeek_sink* out,
                           phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (h == nullptr || h->global_json == nullptr) {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context and pointer are required");
    }
    const std::shared_ptr<const std::string> global = h->global_json->Get();
    return ConfigGetJson(*global, pointer, out, err);
  });
}

int32_t ConfigGetStringThunk(phpeek_host* h, const char* pointer, phpeek_sink* out,
                             phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (h == nullptr || h->global_json == nullptr) {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context and pointer are required");
    }
    const std::shared_ptr<const std::string> global = h->global_json->Get();
    return ConfigGetString(*global, pointer, out, err);
  });
}

int32_t ProcessList(phpeek_host* h, phpeek_sink* out, phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (h == nullptr || h->control == nullptr) {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context is required");
    }
    Emit(out, *h->process_list.Get(*h->control));
    return PHPEEK_OK;
  });
}

int32_t ProcessGet(phpeek_host* h, const char* name, phpeek_sink* out, phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (h == nullptr || h->control == nullptr || name == nullptr) {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context and process name are required");
    }
    const auto status = h->control->SnapshotOf(name);
    if (!status)
      return Fail(err, PHPEEK_E_NOT_FOUND, "no process named '" + std::string(name) + "'");
    Emit(out, ProcessJson(*status));
    return PHPEEK_OK;
  });
}

// Why Submit answered kState: a scheduled job has runs, not instances; a reload needs the
// process's reload_signal.
std::string StateRefusal(Control& control, ControlOp op, const std::string& name) {
  const std::string who = "process '" + name + "'";
  const auto status = control.SnapshotOf(name);
  if (op == ControlOp::kReload && !(status && status->job)) {
    return who + " has no reload_signal: restart it, or set reload_signal (e.g. SIGUSR2 for " +
           "php-fpm, SIGHUP for nginx)";
  }
  return who +
         " is a scheduled job: it has runs, not instances (start resumes its schedule, stop "
         "pauses it; trigger starts a run)";
}

int32_t ProcessControl(phpeek_host* h, int32_t op, const char* name, int32_t arg,
                       uint32_t timeout_ms, phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (h == nullptr || h->control == nullptr) {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context is required");
    }
    const auto cop = FromAbiOp(op);
    if (!cop) return Fail(err, PHPEEK_E_UNSUPPORTED, "unknown control op " + std::to_string(op));
    if (name == nullptr || *name == '\0') {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "process name is required");
    }
    if (timeout_ms > 0 && EventDispatcher::OnDispatchThread()) {
      return Fail(err, PHPEEK_E_WOULD_BLOCK,
                  "a blocking control call (timeout_ms > 0) from an event callback");
    }
    if (h->host_stopping != nullptr && h->host_stopping->load()) {
      return Fail(err, PHPEEK_E_STOPPING, "the daemon is shutting down");
    }
    if (*cop == ControlOp::kScale && arg < 0) {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "scale must be >= 0, got " + std::to_string(arg));
    }
    const ControlResult r = h->control->Submit(*cop, name, arg);
    const std::string who = "process '" + std::string(name) + "'";
    switch (r) {
      case ControlResult::kAccepted:
        return PHPEEK_OK;
      case ControlResult::kNotFound:
        return Fail(err, PHPEEK_E_NOT_FOUND, "no " + who);
      case ControlResult::kInvalidArgument: {
        const auto limit = h->control->ScaleLimitOf(name);
        if (*cop == ControlOp::kScale && limit && arg > limit->value) {
          return Fail(err, PHPEEK_E_INVALID_ARGUMENT,
                      "scale " + std::to_string(arg) + " exceeds " + limit->key + " " +
                          std::to_string(limit->value) + " of " + who);
        }
        if (*cop == ControlOp::kSignal || *cop == ControlOp::kSignalGroup) {
          return Fail(err, PHPEEK_E_INVALID_ARGUMENT,
                      "signal " + std::to_string(arg) + " is not one phpeek-pm sends");
        }
        return Fail(err, PHPEEK_E_INVALID_ARGUMENT,
                    "invalid argument " + std::to_string(arg) + " for " + who);
      }
      case ControlResult::kStopping:
        return Fail(err, PHPEEK_E_STOPPING, "the daemon is shutting down");
      case ControlResult::kState:
        return Fail(err, PHPEEK_E_STATE, StateRefusal(*h->control, *cop, name));
      case ControlResult::kTimeout:
        return Fail(err, PHPEEK_E_TIMEOUT, "not accepted in time");
    }
    return Fail(err, PHPEEK_E_INTERNAL, "unexpected control result");
  });
}

int32_t Subscribe(phpeek_host* h, uint32_t mask, phpeek_event_fn fn, void* user,
                  uint64_t* out_id) noexcept {
  return Guard(nullptr, [&] {
    if (h == nullptr || h->events == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
    return h->events->Subscribe(mask, fn, user, out_id);
  });
}

int32_t Unsubscribe(phpeek_host* h, uint64_t id) noexcept {
  return Guard(nullptr, [&] {
    if (h == nullptr || h->events == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
    return h->events->Unsubscribe(id);
  });
}

const char* StatusNameThunk(int32_t status) noexcept { return StatusName(status); }

// New facts are new keys; existing keys keep their meaning (plugin_abi.h).
int32_t DaemonStatus(phpeek_host* h, phpeek_sink* out, phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (h == nullptr) return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context is required");
    json::Writer w;
    w.BeginObject().Key("schema").Int(1).Key("version").String(PHPEEK_VERSION);
    w.Key("pid").Int(getpid()).Key("started_at_ms").Int(kStartedAtMs);
    w.Key("log_lines_dropped").Int(static_cast<int64_t>(log::LinesDropped()));
    if (h->control != nullptr) {
      const ReadinessStatus r = h->control->Readiness();
      w.Key("ready").Bool(r.ready).Key("waiting").BeginArray();
      for (const std::string& name : r.waiting) w.String(name);
      w.EndArray().Key("failed").BeginArray();
      for (const std::string& name : r.failed) w.String(name);
      w.EndArray();
      const reload::ReloadStats reloads = h->control->ReloadStats();
      w.Key("config_reloads").BeginObject();
      w.Key("success").Int(static_cast<int64_t>(reloads.success));
      w.Key("failure").Int(static_cast<int64_t>(reloads.failure)).EndObject();
      w.Key("config_last_reload_success_ms").Int(reloads.last_success_unix_ms);
      if (const process_logs::LogHistory* logs = h->control->ProcessLogs()) {
        w.Key("log_history");
        WriteLogHistoryStats(&w, logs->stats());
      }
    }
    w.EndObject();
    Emit(out, w.str());
    return PHPEEK_OK;
  });
}

// The job's copy in the latest snapshot, or the status code (and message) why there is none.
int32_t FindJob(phpeek_host* h, const char* name, phpeek_sink* err,
                std::shared_ptr<const schedule::ScheduledJob>* job) {
  if (h == nullptr || h->control == nullptr || name == nullptr) {
    return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context and process name are required");
  }
  const auto status = h->control->SnapshotOf(name);
  if (!status) {
    return Fail(err, PHPEEK_E_NOT_FOUND, "no process named '" + std::string(name) + "'");
  }
  if (!status->job) {
    return Fail(err, PHPEEK_E_STATE,
                "process '" + std::string(name) + "' is not a scheduled job (it has no schedule)");
  }
  *job = status->job;
  return PHPEEK_OK;
}

// {"schema":1, ...} around a JSON object written by core/schedule/job_json.h.
std::string WithSchema(const std::string& object) {
  return object.size() <= 2 ? "{\"schema\":1}" : "{\"schema\":1," + object.substr(1);
}

int32_t JobGet(phpeek_host* h, const char* name, phpeek_sink* out, phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    std::shared_ptr<const schedule::ScheduledJob> job;
    if (const int32_t code = FindJob(h, name, err, &job); code != PHPEEK_OK) return code;
    Emit(out, WithSchema(schedule::ScheduleJson(*job)));
    return PHPEEK_OK;
  });
}

int32_t JobHistory(phpeek_host* h, const char* name, uint32_t limit, phpeek_sink* out,
                   phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    std::shared_ptr<const schedule::ScheduledJob> job;
    if (const int32_t code = FindJob(h, name, err, &job); code != PHPEEK_OK) return code;
    Emit(out, WithSchema(schedule::HistoryJson(*job, limit)));
    return PHPEEK_OK;
  });
}

// The checks of the two calls that may wait on the loop.
int32_t CheckWaitingCall(phpeek_host* h, const char* name, uint32_t timeout_ms, phpeek_sink* err) {
  if (h == nullptr || h->control == nullptr || name == nullptr || *name == '\0') {
    return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context and process name are required");
  }
  if (timeout_ms > 0 && EventDispatcher::OnDispatchThread()) {
    return Fail(err, PHPEEK_E_WOULD_BLOCK,
                "a blocking call (timeout_ms > 0) from an event callback");
  }
  return PHPEEK_OK;
}

int32_t JobControl(phpeek_host* h, int32_t op, const char* name, uint32_t timeout_ms,
                   phpeek_sink* out, phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (const int32_t code = CheckWaitingCall(h, name, timeout_ms, err); code != PHPEEK_OK) {
      return code;
    }
    const auto jop = FromAbiJobOp(op);
    if (!jop) return Fail(err, PHPEEK_E_UNSUPPORTED, "unknown job op " + std::to_string(op));
    if (h->host_stopping != nullptr && h->host_stopping->load()) {
      return Fail(err, PHPEEK_E_STOPPING, "the daemon is shutting down");
    }
    const JobReply r = h->control->ControlJob(*jop, name, std::chrono::milliseconds(timeout_ms));
    if (r.result != ControlResult::kAccepted) return Fail(err, ToAbiStatus(r.result), r.message);
    json::Writer w;
    w.BeginObject().Key("schema").Int(1).Key("run_id");
    if (r.run_id > 0) {
      w.Int(r.run_id);
    } else {
      w.Null();
    }
    w.EndObject();
    Emit(out, w.str());
    return PHPEEK_OK;
  });
}

int32_t JobWait(phpeek_host* h, const char* name, int64_t run_id, uint32_t timeout_ms,
                phpeek_sink* out, phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (const int32_t code = CheckWaitingCall(h, name, timeout_ms, err); code != PHPEEK_OK) {
      return code;
    }
    std::shared_ptr<const schedule::ScheduledJob> job;
    if (const int32_t code = FindJob(h, name, err, &job); code != PHPEEK_OK) return code;
    const std::string which = "run " + std::to_string(run_id) + " of '" + std::string(name) + "'";
    if (!job->FindRun(run_id)) {
      return Fail(err, PHPEEK_E_NOT_FOUND, which + " is not known (or no longer kept)");
    }
    const auto run = h->control->WaitForRun(name, run_id, std::chrono::milliseconds(timeout_ms));
    if (!run) return Fail(err, PHPEEK_E_TIMEOUT, which + " is still active");
    json::Writer w;
    schedule::WriteRun(&w, *run);
    Emit(out, WithSchema(w.str()));
    return PHPEEK_OK;
  });
}

// The answer's JSON (reload_result.h) with "schema" first.
int32_t ConfigReload(phpeek_host* h, uint32_t timeout_ms, phpeek_sink* out,
                     phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (h == nullptr || h->control == nullptr) {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context is required");
    }
    if (timeout_ms > 0 && EventDispatcher::OnDispatchThread()) {
      return Fail(err, PHPEEK_E_WOULD_BLOCK,
                  "a blocking call (timeout_ms > 0) from an event callback");
    }
    const reload::ReloadResult r = h->control->ReloadConfig(std::chrono::milliseconds(timeout_ms));
    using reload::ReloadStatus;
    switch (r.status) {
      case ReloadStatus::kReloaded:
        Emit(out, WithSchema(reload::ReloadJson(r)));
        return PHPEEK_OK;
      case ReloadStatus::kInvalid:
        Emit(out, WithSchema(reload::ReloadJson(r)));
        return Fail(err, PHPEEK_E_INVALID_ARGUMENT, r.message);
      case ReloadStatus::kBusy:
        return Fail(err, PHPEEK_E_STATE, r.message);
      case ReloadStatus::kStopping:
        return Fail(err, PHPEEK_E_STOPPING, r.message);
      case ReloadStatus::kTimeout:
        return Fail(err, PHPEEK_E_TIMEOUT, r.message);
      case ReloadStatus::kUnsupported:
        return Fail(err, PHPEEK_E_UNSUPPORTED, r.message);
    }
    return Fail(err, PHPEEK_E_INTERNAL, "unexpected reload result");
  });
}

const phpeek_host_api_v1 kServices = {
    sizeof(phpeek_host_api_v1),
    PHPEEK_ABI_MAJOR,
    PHPEEK_ABI_MINOR,
    PHPEEK_VERSION,
    &Log,
    &ConfigGetJsonThunk,
    &ConfigGetStringThunk,
    &ProcessList,
    &ProcessGet,
    &ProcessControl,
    &Subscribe,
    &Unsubscribe,
    &StatusNameThunk,
    &DaemonStatus,
    &JobGet,
    &JobHistory,
    &JobControl,
    &JobWait,
    &ConfigReload,
    &LogRead,
    &LogFollow,
    &LogNext,
    &LogUnfollow,
};

}  // namespace

const phpeek_host_api_v1* HostServices() { return &kServices; }

}  // namespace phpeek::plugin_host
