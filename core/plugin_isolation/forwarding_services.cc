#include "core/plugin_isolation/forwarding_services.h"

#include <exception>
#include <string>

#include "core/plugin_host/abi_codes.h"
#include "core/plugin_host/config_lookup.h"
#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_isolation/protocol.h"

namespace phpeek::plugin_isolation {
namespace {

using plugin_host::Emit;

HelperLink* g_link = nullptr;

// Sends `request` and writes the answer to the sinks; nothing may unwind into the plugin.
int32_t Forward(Frame request, phpeek_sink* out, phpeek_sink* err,
                int64_t* extra = nullptr) noexcept {
  try {
    std::string text, error;
    const int32_t code = g_link->Call(std::move(request), &text, &error, extra);
    // As in process: a service may write its output on a failure too (config_reload's errors).
    if (!text.empty()) Emit(out, text);
    if (code != PHPEEK_OK) Emit(err, error);
    return code;
  } catch (...) {
    return PHPEEK_E_INTERNAL;
  }
}

int32_t WouldBlock(phpeek_sink* err) {
  Emit(err, "a blocking call (timeout_ms > 0) from an event callback");
  return PHPEEK_E_WOULD_BLOCK;
}

void Log(phpeek_host*, int32_t level, const char* msg, size_t len) noexcept {
  try {
    Frame f(kLog, 0);
    f.Int(level).Str(msg == nullptr ? std::string_view() : std::string_view(msg, len));
    g_link->Send(f);
  } catch (...) {
  }
}

int32_t ConfigGetJson(phpeek_host* h, const char* pointer, phpeek_sink* out,
                      phpeek_sink* err) noexcept {
  if (h == nullptr || h->global_json == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
  try {
    return plugin_host::ConfigGetJson(*h->global_json->Get(), pointer, out, err);
  } catch (...) {
    return PHPEEK_E_INTERNAL;
  }
}

int32_t ConfigGetString(phpeek_host* h, const char* pointer, phpeek_sink* out,
                        phpeek_sink* err) noexcept {
  if (h == nullptr || h->global_json == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
  try {
    return plugin_host::ConfigGetString(*h->global_json->Get(), pointer, out, err);
  } catch (...) {
    return PHPEEK_E_INTERNAL;
  }
}

int32_t ProcessList(phpeek_host*, phpeek_sink* out, phpeek_sink* err) noexcept {
  return Forward(Frame(kProcessList, 0), out, err);
}

int32_t ProcessGet(phpeek_host*, const char* name, phpeek_sink* out, phpeek_sink* err) noexcept {
  if (name == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
  return Forward(std::move(Frame(kProcessGet, 0).Str(name)), out, err);
}

int32_t ProcessControl(phpeek_host*, int32_t op, const char* name, int32_t arg, uint32_t timeout_ms,
                       phpeek_sink* err) noexcept {
  if (timeout_ms > 0 && plugin_host::EventDispatcher::OnDispatchThread()) return WouldBlock(err);
  Frame f(kProcessControl, 0);
  f.Int(op).Str(name == nullptr ? "" : name).Int(arg).Int(timeout_ms);
  return Forward(std::move(f), nullptr, err);
}

int32_t Subscribe(phpeek_host* h, uint32_t mask, phpeek_event_fn fn, void* user,
                  uint64_t* out_id) noexcept {
  if (h == nullptr || h->events == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
  try {
    return h->events->Subscribe(mask, fn, user, out_id);
  } catch (...) {
    return PHPEEK_E_INTERNAL;
  }
}

int32_t Unsubscribe(phpeek_host* h, uint64_t id) noexcept {
  if (h == nullptr || h->events == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
  try {
    return h->events->Unsubscribe(id);
  } catch (...) {
    return PHPEEK_E_INTERNAL;
  }
}

const char* StatusName(int32_t status) noexcept { return plugin_host::StatusName(status); }

int32_t DaemonStatus(phpeek_host*, phpeek_sink* out, phpeek_sink* err) noexcept {
  return Forward(Frame(kDaemonStatus, 0), out, err);
}

int32_t JobGet(phpeek_host*, const char* name, phpeek_sink* out, phpeek_sink* err) noexcept {
  if (name == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
  return Forward(std::move(Frame(kJobGet, 0).Str(name)), out, err);
}

int32_t JobHistory(phpeek_host*, const char* name, uint32_t limit, phpeek_sink* out,
                   phpeek_sink* err) noexcept {
  if (name == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
  return Forward(std::move(Frame(kJobHistory, 0).Str(name).Int(limit)), out, err);
}

int32_t JobControl(phpeek_host*, int32_t op, const char* name, uint32_t timeout_ms,
                   phpeek_sink* out, phpeek_sink* err) noexcept {
  if (timeout_ms > 0 && plugin_host::EventDispatcher::OnDispatchThread()) return WouldBlock(err);
  Frame f(kJobControl, 0);
  f.Int(op).Str(name == nullptr ? "" : name).Int(timeout_ms);
  return Forward(std::move(f), out, err);
}

int32_t JobWait(phpeek_host*, const char* name, int64_t run_id, uint32_t timeout_ms,
                phpeek_sink* out, phpeek_sink* err) noexcept {
  if (timeout_ms > 0 && plugin_host::EventDispatcher::OnDispatchThread()) return WouldBlock(err);
  Frame f(kJobWait, 0);
  f.Str(name == nullptr ? "" : name).Int(run_id).Int(timeout_ms);
  return Forward(std::move(f), out, err);
}

int32_t ConfigReload(phpeek_host*, uint32_t timeout_ms, phpeek_sink* out,
                     phpeek_sink* err) noexcept {
  if (timeout_ms > 0 && plugin_host::EventDispatcher::OnDispatchThread()) return WouldBlock(err);
  return Forward(std::move(Frame(kConfigReload, 0).Int(timeout_ms)), out, err);
}

int32_t LogRead(phpeek_host*, const char* process, const char* instance, uint64_t since,
                uint32_t limit, phpeek_sink* out, phpeek_sink* err) noexcept {
  Frame f(kLogRead, 0);
  f.Str(process == nullptr ? "" : process).Str(instance == nullptr ? "" : instance);
  f.Int(static_cast<int64_t>(since)).Int(limit);
  return Forward(std::move(f), out, err);
}

int32_t LogFollow(phpeek_host*, const char* process, const char* instance, uint64_t since,
                  uint32_t limit, uint32_t queue_lines, uint64_t* out_id, phpeek_sink* backlog,
                  phpeek_sink* err) noexcept {
  if (out_id == nullptr) {
    Emit(err, "out_id is required");
    return PHPEEK_E_INVALID_ARGUMENT;
  }
  Frame f(kLogFollow, 0);
  f.Str(process == nullptr ? "" : process).Str(instance == nullptr ? "" : instance);
  f.Int(static_cast<int64_t>(since)).Int(limit).Int(queue_lines);
  int64_t id = 0;
  const int32_t code = Forward(std::move(f), backlog, err, &id);
  if (code == PHPEEK_OK) *out_id = static_cast<uint64_t>(id);
  return code;
}

// The plugin thread waits here for its reply; the helper's other requests go on meanwhile, and
// the daemon answers without holding a thread for it.
int32_t LogNext(phpeek_host*, uint64_t id, uint32_t timeout_ms, phpeek_sink* out,
                phpeek_sink* err) noexcept {
  if (timeout_ms > 0 && plugin_host::EventDispatcher::OnDispatchThread()) return WouldBlock(err);
  return Forward(std::move(Frame(kLogNext, 0).Int(static_cast<int64_t>(id)).Int(timeout_ms)), out,
                 err);
}

int32_t LogUnfollow(phpeek_host*, uint64_t id) noexcept {
  return Forward(std::move(Frame(kLogUnfollow, 0).Int(static_cast<int64_t>(id))), nullptr, nullptr);
}

const phpeek_host_api_v1 kServices = {
    sizeof(phpeek_host_api_v1),
    PHPEEK_ABI_MAJOR,
    PHPEEK_ABI_MINOR,
    PHPEEK_VERSION,
    &Log,
    &ConfigGetJson,
    &ConfigGetString,
    &ProcessList,
    &ProcessGet,
    &ProcessControl,
    &Subscribe,
    &Unsubscribe,
    &StatusName,
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

const phpeek_host_api_v1* ForwardingServices(HelperLink* link) {
  g_link = link;
  return &kServices;
}

}  // namespace phpeek::plugin_isolation
