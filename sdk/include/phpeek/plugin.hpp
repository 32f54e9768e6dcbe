// Optional header-only C++17 wrapper over plugin_abi.h. Everything here compiles into the plugin;
// only the C types of plugin_abi.h cross the boundary. Exceptions thrown by the plugin's class are
// caught in the trampolines below and become a status code plus message; they never reach the host.
//
//   class MyPlugin : public phpeek::v1::Plugin {
//    public:
//     MyPlugin(phpeek::v1::Host host, const std::string& config_json) : Plugin(host) {
//       host.configDuration("/my_interval", &interval_);   // Status: OK, NOT_FOUND or TYPE
//     }
//     phpeek::v1::Status start() override {
//       worker_ = phpeek::v1::SafeThread(host(), "poller", [this] { Poll(); });
//       return subscribeEvents(PHPEEK_EVENT_MASK(PHPEEK_EVENT_EXITED), &events_);
//     }
//     phpeek::v1::Status stop() override {
//       events_.reset();
//       done_ = true;
//       worker_.join();
//       return {};
//     }
//     void onEvent(const phpeek_event& ev) override { host().info(ev.instance); }
//    ...
//   };
//   PHPEEK_DEFINE_PLUGIN(MyPlugin, "my-plugin", "1.0.0", "What it does")
//
// The constructor runs inside init (throw to refuse, with a message); start, stop and onEvent run
// as described in plugin_abi.h. Threading rules are those of the C ABI. Besides the Host services:
// typed config getters, Subscription (an RAII event subscription), LogFollow (an RAII follow of
// the process logs), SafeThread (a thread whose exceptions are logged, never fatal), and the JSON
// reader phpeek/json.hpp for the host's answers.
#ifndef PHPEEK_PLUGIN_HPP
#define PHPEEK_PLUGIN_HPP

#if !defined(__cplusplus) || __cplusplus < 201703L
#error "phpeek/plugin.hpp needs C++17 or later (phpeek_add_plugin requires it for C++ plugins)"
#endif

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#if defined(__GLIBCXX__)
#include <cxxabi.h>  // abi::__forced_unwind: thread cancellation must unwind, not be swallowed
#endif

// The handler for abi::__forced_unwind binds its reference to no object (a forced unwind carries
// none), which UBSan's null check reports in a plugin built with -fsanitize=undefined.
#if defined(__has_attribute)
#if __has_attribute(no_sanitize)
#define PHPEEK_NO_SANITIZE_NULL_ __attribute__((no_sanitize("null")))
#endif
#endif
#ifndef PHPEEK_NO_SANITIZE_NULL_
#define PHPEEK_NO_SANITIZE_NULL_
#endif

#include "phpeek/json.hpp"
#include "phpeek/plugin_abi.h"
#include "phpeek/units.hpp"

// Offset test on the host services table: is `member` present in this host's table?
#define PHPEEK_HOST_HAS(api, member) PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api, member)

// The oldest host minor that this wrapper's own code works with. Every service newer than 1.0 is
// reached through a Host method that checks the host's table first and answers
// PHPEEK_E_UNSUPPORTED on an older host, so a plugin using only the wrapper loads in any 1.x host:
// PHPEEK_DEFINE_PLUGIN declares this as min_host_minor. A plugin that cannot work without a newer
// service declares more with PHPEEK_DEFINE_PLUGIN_MIN_HOST.
#define PHPEEK_WRAPPER_MIN_HOST_MINOR 0

namespace phpeek {
namespace v1 {

// A status code from plugin_abi.h plus a message.
struct Status {
  int32_t code = PHPEEK_OK;
  std::string message;

  bool ok() const { return code == PHPEEK_OK; }
  static Status Ok() { return Status{}; }
  static Status Error(int32_t c, std::string m) { return Status{c, std::move(m)}; }
};

// Throw from a plugin constructor (or anywhere inside a trampoline) to fail with a specific code.
class Error : public std::runtime_error {
 public:
  Error(int32_t code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int32_t code() const { return code_; }

 private:
  int32_t code_;
};

using EventCallback = std::function<void(const phpeek_event&)>;
class Subscription;

namespace detail {
inline void AppendToString(void* ctx, const char* data, size_t len) {
  try {
    static_cast<std::string*>(ctx)->append(data, len);
  } catch (...) {  // out of memory: drop the bytes rather than unwind into the host
  }
}
inline phpeek_sink StringSink(std::string* s) { return phpeek_sink{s, &AppendToString}; }
inline void Write(phpeek_sink* sink, std::string_view text) {
  if (sink != nullptr && sink->write != nullptr) sink->write(sink->ctx, text.data(), text.size());
}

// "global/api_port": how messages name a key of the `global:` block.
inline std::string KeyName(const std::string& pointer) { return "global" + pointer; }

// A found value for a message: its JSON text, shortened.
inline std::string Shown(const json::Value& v) {
  const std::string_view t = v.text();
  return t.size() <= 40 ? std::string(t) : std::string(t.substr(0, 37)) + "...";
}

// The text of an exception being handled, for log lines.
inline std::string CurrentExceptionText() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "a non-standard exception";
  }
}
}  // namespace detail

// The host services seen from C++: results as std::string, errors as Status.
class Host {
 public:
  Host(const phpeek_host_api_v1* api, phpeek_host* host) : api_(api), host_(host) {}

  const phpeek_host_api_v1* api() const { return api_; }
  phpeek_host* handle() const { return host_; }

  void log(int32_t level, std::string_view msg) const {
    api_->log(host_, level, msg.data(), msg.size());
  }
  void debug(std::string_view m) const { log(PHPEEK_LOG_DEBUG, m); }
  void info(std::string_view m) const { log(PHPEEK_LOG_INFO, m); }
  void warn(std::string_view m) const { log(PHPEEK_LOG_WARN, m); }
  void error(std::string_view m) const { log(PHPEEK_LOG_ERROR, m); }

  // The JSON text at `pointer` (RFC 6901) in the `global:` block; see config_get_json.
  Status configJson(const std::string& pointer, std::string* out) const {
    return Call([&](phpeek_sink* o,
                    phpeek_sink* e) { return api_->config_get_json(host_, pointer.c_str(), o, e); },
                out);
  }
  // Any scalar as text (numbers and booleans as written, null as ""); see config_get_string.
  Status configString(const std::string& pointer, std::string* out) const {
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) {
          return api_->config_get_string(host_, pointer.c_str(), o, e);
        },
        out);
  }

  // Typed reads of the `global:` block ("/my_port"). Each sets *out and returns OK, or returns
  // PHPEEK_E_NOT_FOUND when the key is absent, PHPEEK_E_TYPE when it holds something else (the
  // message names the key, what it holds and what was expected), or the host's own error.
  Status configInt(const std::string& pointer, int64_t* out) const {
    json::Document doc;
    Status s = configValue(pointer, &doc);
    if (!s.ok()) return s;
    const json::Read<int64_t> r = doc.root().AsInt64();
    if (r.ok()) *out = r.value;
    if (r.found == json::Found::kOutOfRange) return typeError(pointer, doc, "a 64-bit integer");
    return r.ok() ? s : typeError(pointer, doc, "an integer");
  }
  Status configBool(const std::string& pointer, bool* out) const {
    json::Document doc;
    Status s = configValue(pointer, &doc);
    if (!s.ok()) return s;
    const json::Read<bool> r = doc.root().AsBool();
    if (!r.ok()) return typeError(pointer, doc, "true or false");
    *out = r.value;
    return s;
  }
  // A JSON integer is milliseconds (how the host hands out its own duration keys); a string is
  // read with ParseDuration ("500ms", "1m30s", "30" meaning 30 s).
  Status configDuration(const std::string& pointer, std::chrono::milliseconds* out) const {
    json::Document doc;
    Status s = configValue(pointer, &doc);
    if (!s.ok()) return s;
    const json::Value v = doc.root();
    const json::Read<int64_t> ms = v.AsInt64();
    if (ms.ok() && ms.value >= 0) {
      *out = std::chrono::milliseconds(ms.value);
      return s;
    }
    std::string why;
    if (v.is_string() && ParseDuration(v.AsString().value, out, &why)) return s;
    return typeError(pointer, doc, "a duration (milliseconds >= 0, or a string such as \"5s\")",
                     why);
  }
  // A JSON integer is bytes; a string is read with ParseByteSize ("64KiB", "1M").
  Status configBytes(const std::string& pointer, int64_t* out) const {
    json::Document doc;
    Status s = configValue(pointer, &doc);
    if (!s.ok()) return s;
    const json::Value v = doc.root();
    const json::Read<int64_t> n = v.AsInt64();
    if (n.ok() && n.value >= 0) {
      *out = n.value;
      return s;
    }
    std::string why;
    if (v.is_string() && ParseByteSize(v.AsString().value, out, &why)) return s;
    return typeError(pointer, doc, "a size (bytes >= 0, or a string such as \"64KiB\")", why);
  }

  Status processList(std::string* out_json) const {
    return Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_list(host_, o, e); },
                out_json);
  }
  Status processGet(const std::string& name, std::string* out_json) const {
    return Call([&](phpeek_sink* o,
                    phpeek_sink* e) { return api_->process_get(host_, name.c_str(), o, e); },
                out_json);
  }
  Status control(int32_t op, const std::string& name, int32_t arg = 0,
                 uint32_t timeout_ms = 0) const {
    std::string err;
    phpeek_sink e = detail::StringSink(&err);
    const int32_t code = api_->process_control(host_, op, name.c_str(), arg, timeout_ms, &e);
    return Status{code, std::move(err)};
  }
  Status subscribe(uint32_t mask, phpeek_event_fn fn, void* user, uint64_t* out_id) const {
    const int32_t code = api_->subscribe(host_, mask, fn, user, out_id);
    return Status{code, code == PHPEEK_OK ? "" : statusName(code)};
  }
  // Calls `callback` for the events in `mask` until *out is reset or destroyed (see
  // Subscription). An exception escaping the callback is caught and logged.
  inline Status subscribe(uint32_t mask, EventCallback callback, Subscription* out) const;
  Status unsubscribe(uint64_t id) const {
    const int32_t code = api_->unsubscribe(host_, id);
    return Status{code, code == PHPEEK_OK ? "" : statusName(code)};
  }
  std::string statusName(int32_t code) const { return api_->status_name(code); }

  // ABI 1.1: the daemon's own state as JSON (see plugin_abi.h). PHPEEK_E_UNSUPPORTED from a 1.0
  // host, whose table has no such member.
  Status daemonStatus(std::string* out_json) const {
    if (!PHPEEK_HOST_HAS(api_, daemon_status) || api_->daemon_status == nullptr) {
      return Status{PHPEEK_E_UNSUPPORTED, "this host (ABI 1.0) has no daemon_status"};
    }
    return Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->daemon_status(host_, o, e); },
                out_json);
  }

  // ABI 1.1, scheduled jobs (see plugin_abi.h). PHPEEK_E_UNSUPPORTED from an older host.
  Status jobGet(const std::string& name, std::string* out_json) const {
    if (!HasJobs()) return NoJobs();
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) { return api_->job_get(host_, name.c_str(), o, e); },
        out_json);
  }
  Status jobHistory(const std::string& name, uint32_t limit, std::string* out_json) const {
    if (!HasJobs()) return NoJobs();
    return Call([&](phpeek_sink* o,
                    phpeek_sink* e) { return api_->job_history(host_, name.c_str(), limit, o, e); },
                out_json);
  }
  Status jobControl(int32_t op, const std::string& name, uint32_t timeout_ms,
                    std::string* out_json) const {
    if (!HasJobs()) return NoJobs();
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) {
          return api_->job_control(host_, op, name.c_str(), timeout_ms, o, e);
        },
        out_json);
  }
  Status jobWait(const std::string& name, int64_t run_id, uint32_t timeout_ms,
                 std::string* out_json) const {
    if (!HasJobs()) return NoJobs();
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) {
          return api_->job_wait(host_, name.c_str(), run_id, timeout_ms, o, e);
        },
        out_json);
  }

  // ABI 1.1, configuration reload (see plugin_abi.h): blocks up to timeout_ms. On OK, and on
  // E_INVALID_ARGUMENT (an invalid file: the errors), *out_json holds the host's answer.
  // PHPEEK_E_UNSUPPORTED from a host without the service.
  Status configReload(uint32_t timeout_ms, std::string* out_json) const {
    if (!PHPEEK_HOST_HAS(api_, config_reload) || api_->config_reload == nullptr) {
      return Status{PHPEEK_E_UNSUPPORTED, "this host has no config_reload service"};
    }
    return Call([&](phpeek_sink* o,
                    phpeek_sink* e) { return api_->config_reload(host_, timeout_ms, o, e); },
                out_json);
  }

  // ABI 1.1, process logs (see plugin_abi.h): "" selects every process or instance. logRead
  // writes a page to *out_json; logFollow a backlog page and the follow's id (see LogFollow for
  // one that ends itself); logNext waits up to timeout_ms for its lines. PHPEEK_E_UNSUPPORTED
  // from a host without them.
  Status logRead(const std::string& process, const std::string& instance, uint64_t since,
                 uint32_t limit, std::string* out_json) const {
    if (!HasLogs()) return NoLogs();
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) {
          return api_->log_read(host_, process.c_str(), instance.c_str(), since, limit, o, e);
        },
        out_json);
  }
  Status logFollow(const std::string& process, const std::string& instance, uint64_t since,
                   uint32_t limit, uint32_t queue_lines, uint64_t* out_id,
                   std::string* backlog_json) const {
    if (!HasLogs()) return NoLogs();
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) {
          return api_->log_follow(host_, process.c_str(), instance.c_str(), since, limit,
                                  queue_lines, out_id, o, e);
        },
        backlog_json);
  }
  Status logNext(uint64_t id, uint32_t timeout_ms, std::string* out_json) const {
    if (!HasLogs()) return NoLogs();
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) { return api_->log_next(host_, id, timeout_ms, o, e); },
        out_json);
  }
  Status logUnfollow(uint64_t id) const {
    if (!HasLogs()) return NoLogs();
    const int32_t code = api_->log_unfollow(host_, id);
    return Status{code, code == PHPEEK_OK ? "" : statusName(code)};
  }

 private:
  bool HasJobs() const { return PHPEEK_HOST_HAS(api_, job_wait) && api_->job_wait != nullptr; }
  static Status NoJobs() {
    return Status{PHPEEK_E_UNSUPPORTED, "this host has no scheduled-job services (ABI < 1.1)"};
  }
  bool HasLogs() const {
    return PHPEEK_HOST_HAS(api_, log_unfollow) && api_->log_unfollow != nullptr;
  }
  static Status NoLogs() {
    return Status{PHPEEK_E_UNSUPPORTED, "this host has no process-log services"};
  }

  template <typename F>
  Status Call(F&& f, std::string* out) const {
    std::string err;
    phpeek_sink o = detail::StringSink(out);
    phpeek_sink e = detail::StringSink(&err);
    const int32_t code = f(&o, &e);
    return Status{code, std::move(err)};
  }

  // The value at `pointer`, parsed into *doc.
  Status configValue(const std::string& pointer, json::Document* doc) const {
    std::string text;
    Status s = configJson(pointer, &text);
    if (!s.ok()) return s;
    std::string err;
    if (!doc->Parse(text, &err)) {
      return Status{PHPEEK_E_INTERNAL, detail::KeyName(pointer) + ": the host sent " + err};
    }
    return s;
  }

  static Status typeError(const std::string& pointer, const json::Document& doc,
                          const char* expected, const std::string& why = "") {
    std::string m =
        detail::KeyName(pointer) + " is " + detail::Shown(doc.root()) + ", not " + expected;
    if (!why.empty()) m += ": " + why;
    return Status{PHPEEK_E_TYPE, std::move(m)};
  }

  const phpeek_host_api_v1* api_;
  phpeek_host* host_;
};

namespace detail {

// The heap-held callback of a Subscription: `user` for the host, so its address never moves.
struct EventSlot {
  EventSlot(Host h, EventCallback f) : host(h), fn(std::move(f)) {}
  Host host;
  EventCallback fn;
  bool orphaned = false;  // its Subscription was reset from inside this callback

  // The slot whose callback runs on this thread, if any.
  static EventSlot*& Current() {
    static thread_local EventSlot* current = nullptr;
    return current;
  }

  static void Trampoline(void* user, const phpeek_event* ev) noexcept {
    auto* slot = static_cast<EventSlot*>(user);
    EventSlot* const outer = std::exchange(Current(), slot);
    try {
      slot->fn(*ev);
    } catch (...) {
      try {
        slot->host.error("event callback threw: " + CurrentExceptionText());
      } catch (...) {
      }
    }
    Current() = outer;
    if (slot->orphaned) delete slot;  // the Subscription let go of it while it ran
  }
};

}  // namespace detail

// An event subscription that ends when the handle is reset or destroyed: after that, its callback
// is not running and is never called again (reset from inside the callback itself: the current
// call is the last, and the callback object lives until it returns). Movable, not copyable.
// Release it in stop, or let the plugin's destructor do it (unsubscribe is allowed in destroy).
class Subscription {
 public:
  Subscription() = default;
  ~Subscription() { reset(); }
  Subscription(Subscription&& o) noexcept
      : api_(o.api_), host_(o.host_), id_(std::exchange(o.id_, 0)), slot_(std::move(o.slot_)) {}
  Subscription& operator=(Subscription&& o) noexcept {
    if (this != &o) {
      reset();
      api_ = o.api_;
      host_ = o.host_;
      id_ = std::exchange(o.id_, 0);
      slot_ = std::move(o.slot_);
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  bool active() const noexcept { return id_ != 0; }
  uint64_t id() const noexcept { return id_; }

  // Unsubscribes (idempotent). The status is the host's answer to unsubscribe.
  Status reset() noexcept {
    if (id_ == 0) return Status{};
    const int32_t code = api_->unsubscribe(host_, std::exchange(id_, 0));
    if (slot_ && detail::EventSlot::Current() == slot_.get()) {
      slot_->orphaned = true;  // running right now: the trampoline frees it on return
      (void)slot_.release();
    }
    slot_.reset();
    if (code == PHPEEK_OK) return Status{};
    try {
      return Status{code, api_->status_name(code)};
    } catch (...) {
      return Status{code, {}};
    }
  }

 private:
  friend class Host;
  const phpeek_host_api_v1* api_ = nullptr;
  phpeek_host* host_ = nullptr;
  uint64_t id_ = 0;
  std::unique_ptr<detail::EventSlot> slot_;
};

inline Status Host::subscribe(uint32_t mask, EventCallback callback, Subscription* out) const {
  out->reset();
  auto slot = std::make_unique<detail::EventSlot>(*this, std::move(callback));
  uint64_t id = 0;
  const int32_t code =
      api_->subscribe(host_, mask, &detail::EventSlot::Trampoline, slot.get(), &id);
  if (code != PHPEEK_OK) return Status{code, statusName(code)};
  out->api_ = api_;
  out->host_ = host_;
  out->id_ = id;
  out->slot_ = std::move(slot);
  return Status{};
}

// A log follow (Host::logFollow) that ends when the handle is reset or destroyed: a next() waiting
// on it in another thread then returns at once with "closed":true. Movable, not copyable. End it
// in stop, before joining the thread that reads it, or let the plugin's destructor do it
// (log_unfollow is allowed in destroy).
class LogFollow {
 public:
  LogFollow() = default;
  ~LogFollow() { reset(); }
  LogFollow(LogFollow&& o) noexcept : api_(o.api_), host_(o.host_), id_(std::exchange(o.id_, 0)) {}
  LogFollow& operator=(LogFollow&& o) noexcept {
    if (this != &o) {
      reset();
      api_ = o.api_;
      host_ = o.host_;
      id_ = std::exchange(o.id_, 0);
    }
    return *this;
  }
  LogFollow(const LogFollow&) = delete;
  LogFollow& operator=(const LogFollow&) = delete;

  // Starts following: *backlog_json gets log_follow's backlog page. Ends a follow held before.
  Status start(const Host& host, const std::string& process, const std::string& instance,
               uint64_t since, uint32_t limit, uint32_t queue_lines, std::string* backlog_json) {
    reset();
    uint64_t id = 0;
    Status s = host.logFollow(process, instance, since, limit, queue_lines, &id, backlog_json);
    if (s.ok()) {
      api_ = host.api();
      host_ = host.handle();
      id_ = id;
    }
    return s;
  }
  bool active() const noexcept { return id_ != 0; }
  uint64_t id() const noexcept { return id_; }
  // log_next: waits up to timeout_ms for lines (see plugin_abi.h); E_NOT_FOUND once ended.
  Status next(uint32_t timeout_ms, std::string* out_json) const {
    if (id_ == 0) return Status{PHPEEK_E_NOT_FOUND, "the follow has ended"};
    return Host(api_, host_).logNext(id_, timeout_ms, out_json);
  }
  // log_unfollow (idempotent). The status is the host's answer.
  Status reset() noexcept {
    if (id_ == 0) return Status{};
    const int32_t code = api_->log_unfollow(host_, std::exchange(id_, 0));
    return Status{code, {}};
  }

 private:
  const phpeek_host_api_v1* api_ = nullptr;
  phpeek_host* host_ = nullptr;
  uint64_t id_ = 0;
};

// A std::thread for plugin work that can never take the daemon down: an exception escaping
// `body` is caught and logged through the host as "thread '<name>' ended by an exception: ...",
// and the thread ends. Joined by join() or by the destructor, never detached (stop must join
// every thread the plugin started). Movable; assigning over a running one joins it first.
class SafeThread {
 public:
  SafeThread() noexcept = default;
  // Starts `body()` on a new thread. Throws std::system_error, as std::thread does, when no
  // thread can be created.
  template <typename F>
  SafeThread(Host host, std::string name, F&& body)
      : thread_(&SafeThread::Run<std::decay_t<F>>, host, std::move(name),
                std::decay_t<F>(std::forward<F>(body))) {}
  ~SafeThread() { join(); }
  SafeThread(SafeThread&&) noexcept = default;
  SafeThread& operator=(SafeThread&& o) noexcept {
    if (this != &o) {
      join();
      thread_ = std::move(o.thread_);
    }
    return *this;
  }
  SafeThread(const SafeThread&) = delete;
  SafeThread& operator=(const SafeThread&) = delete;

  bool joinable() const noexcept { return thread_.joinable(); }
  std::thread::id get_id() const noexcept { return thread_.get_id(); }

  // Waits for the body to return. From the thread itself (a SafeThread destroyed by its own
  // body) it detaches instead, the only thing that thread can do.
  void join() noexcept {
    if (!thread_.joinable()) return;
    try {
      if (thread_.get_id() == std::this_thread::get_id()) {
        thread_.detach();
      } else {
        thread_.join();
      }
    } catch (...) {
    }
  }

 private:
  template <typename Body>
  PHPEEK_NO_SANITIZE_NULL_ static void Run(Host host, std::string name, Body body) {
    try {
      body();
#if defined(__GLIBCXX__)
    } catch (abi::__forced_unwind&) {  // pthread_exit or cancellation: let it unwind the thread
      throw;
#endif
    } catch (...) {
      try {
        host.error("thread '" + name +
                   "' ended by an exception: " + detail::CurrentExceptionText());
      } catch (...) {
      }
    }
  }

  std::thread thread_;
};

// What a validate_config hook gets (ABI 1.1, plugin_abi.h CONFIGURATION), seen from C++: the
// `global:` block in the normal form, and a way to report problems at a key. A class that declares
// `static void validateConfig(const phpeek::v1::ConfigCheck& config)` gets it called by
// PHPEEK_DEFINE_PLUGIN_WITH_SCHEMA before init, by check-config and --dry-run too (no instance, no
// host services, no threads); an exception escaping it is reported as an error.
class ConfigCheck {
 public:
  ConfigCheck(const phpeek_config_view* view, phpeek_diagnostic_sink* sink)
      : view_(view), sink_(sink) {}

  // The scalar `key` of the block as text (strings unquoted, numbers and booleans as written in
  // JSON); false when it is absent (no value and no default) or not a scalar.
  bool text(const std::string& key, std::string* out) const {
    out->clear();
    std::string err;
    phpeek_sink o = detail::StringSink(out);
    phpeek_sink e = detail::StringSink(&err);
    const std::string pointer = "/" + key;
    return view_->get_string(view_->ctx, pointer.c_str(), &o, &e) == PHPEEK_OK;
  }
  // The whole configuration, {"schema":1,"global":{...}}, as init gets it.
  std::string json() const { return std::string(view_->json, view_->json_len); }

  void error(const std::string& key, const std::string& message,
             const std::string& hint = "") const {
    report(PHPEEK_SEVERITY_ERROR, key, message, hint);
  }
  void warning(const std::string& key, const std::string& message,
               const std::string& hint = "") const {
    report(PHPEEK_SEVERITY_WARNING, key, message, hint);
  }

 private:
  void report(int32_t severity, const std::string& key, const std::string& message,
              const std::string& hint) const {
    const phpeek_diagnostic d = {sizeof(phpeek_diagnostic), severity, key.c_str(), message.c_str(),
                                 hint.empty() ? nullptr : hint.c_str()};
    sink_->report(sink_->ctx, &d);
  }

  const phpeek_config_view* view_;
  phpeek_diagnostic_sink* sink_;
};

// Base class for a plugin instance. Override what you need; the defaults do nothing.
class Plugin {
 public:
  explicit Plugin(Host host) : host_(host) {}
  virtual ~Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  virtual Status start() { return Status::Ok(); }
  // Must return only after every thread the plugin started has been joined.
  virtual Status stop() { return Status::Ok(); }
  // Called on the plugin's dispatch thread for events subscribed with subscribeEvents().
  virtual void onEvent(const phpeek_event& /*ev*/) {}
  // A JSON object; the default says the plugin is up.
  virtual Status health(std::string* out_json) {
    *out_json = "{\"status\":\"healthy\"}";
    return Status::Ok();
  }

  const Host& host() const { return host_; }

 protected:
  // Routes events matching `mask` to onEvent() until the host's shutdown, or until the id is
  // passed to host().unsubscribe().
  Status subscribeEvents(uint32_t mask, uint64_t* out_id = nullptr) {
    return host_.subscribe(mask, &Plugin::EventTrampoline, this, out_id);
  }
  // Routes events matching `mask` to onEvent() until *out is reset or destroyed.
  Status subscribeEvents(uint32_t mask, Subscription* out) {
    return host_.subscribe(
        mask, [this](const phpeek_event& ev) { onEvent(ev); }, out);
  }

 private:
  static void EventTrampoline(void* user, const phpeek_event* ev) noexcept {
    auto* self = static_cast<Plugin*>(user);
    try {
      self->onEvent(*ev);
    } catch (...) {
      try {
        self->host_.error("onEvent threw: " + detail::CurrentExceptionText());
      } catch (...) {
      }
    }
  }

  Host host_;
};

namespace detail {

// Converts whatever escaped into a status code and message.
inline int32_t Catch(phpeek_sink* err) noexcept {
  try {
    throw;
  } catch (const Error& e) {
    Write(err, e.what());
    return e.code();
  } catch (const std::exception& e) {
    Write(err, e.what());
  } catch (...) {
    Write(err, "unknown C++ exception");
  }
  return PHPEEK_E_INTERNAL;
}

inline int32_t Report(const Status& s, phpeek_sink* err) {
  if (!s.ok()) Write(err, s.message);
  return s.code;
}

// Whether T has `static void validateConfig(const ConfigCheck&)`.
template <typename T, typename = void>
struct HasValidateConfig : std::false_type {};
template <typename T>
struct HasValidateConfig<
    T, std::void_t<decltype(T::validateConfig(std::declval<const ConfigCheck&>()))>>
    : std::true_type {};

template <typename T>
struct Glue {
  static int32_t Init(const phpeek_host_api_v1* api, phpeek_host* host, const char* config,
                      size_t len, void** out_self, phpeek_sink* err) noexcept {
    try {
      *out_self = static_cast<Plugin*>(new T(Host(api, host), std::string(config, len)));
      return PHPEEK_OK;
    } catch (...) {
      return Catch(err);
    }
  }
  static int32_t Start(void* self, phpeek_sink* err) noexcept {
    try {
      return Report(static_cast<Plugin*>(self)->start(), err);
    } catch (...) {
      return Catch(err);
    }
  }
  static int32_t Stop(void* self) noexcept {
    auto* p = static_cast<Plugin*>(self);
    try {
      const Status s = p->stop();
      if (!s.ok()) p->host().error("stop failed: " + s.message);
      return s.code;
    } catch (...) {
      std::string msg;
      phpeek_sink e = StringSink(&msg);
      const int32_t code = Catch(&e);
      try {
        p->host().error("stop threw: " + msg);
      } catch (...) {
      }
      return code;
    }
  }
  static void Destroy(void* self) noexcept { delete static_cast<Plugin*>(self); }
  static int32_t Health(void* self, phpeek_sink* out) noexcept {
    try {
      std::string json;
      const Status s = static_cast<Plugin*>(self)->health(&json);
      if (s.ok()) Write(out, json);
      return s.code;
    } catch (...) {
      return Catch(nullptr);
    }
  }
  static int32_t ValidateConfig(const phpeek_config_view* view,
                                phpeek_diagnostic_sink* sink) noexcept {
    const ConfigCheck check(view, sink);
    try {
      T::validateConfig(check);
      return PHPEEK_OK;
    } catch (...) {
      try {
        check.error("", "validateConfig threw: " + CurrentExceptionText());
      } catch (...) {
      }
    }
    return PHPEEK_E_INTERNAL;
  }
  // The validate_config member of the descriptor: NULL unless T declares validateConfig.
  static constexpr int32_t (*ValidateHook())(const phpeek_config_view*, phpeek_diagnostic_sink*) {
    if constexpr (HasValidateConfig<T>::value) {
      return &ValidateConfig;
    } else {
      return nullptr;
    }
  }
};

}  // namespace detail
}  // namespace v1
}  // namespace phpeek

// Emits the descriptor and the exported entry for `Class`, which derives from phpeek::v1::Plugin
// and has a constructor `Class(phpeek::v1::Host, const std::string& config_json)`. The descriptor
// says min_host_minor = PHPEEK_WRAPPER_MIN_HOST_MINOR (0): the plugin loads in any 1.x host, and
// Host methods for newer services answer PHPEEK_E_UNSUPPORTED where the host lacks them.
//   PHPEEK_DEFINE_PLUGIN(Hello, "hello", "1.0.0", "Says hello")
// PHPEEK_DEFINE_PLUGIN_WITH_KEYS also declares the top-level `global:` keys the plugin reads:
//   PHPEEK_DEFINE_PLUGIN_WITH_KEYS(Spool, "spool", "1.0", "Scales workers", "spool_dir",
//   "spool_max")
// PHPEEK_DEFINE_PLUGIN_MIN_HOST is for a plugin that cannot work without a newer service: hosts
// older than MinHostMinor refuse it at load with a message (instead of it answering UNSUPPORTED):
//   PHPEEK_DEFINE_PLUGIN_MIN_HOST(Stats, "stats", "1.0", "Needs daemon_status", 1)
// PHPEEK_DEFINE_PLUGIN_WITH_SCHEMA declares typed keys (ABI 1.1, plugin_abi.h CONFIGURATION):
// `KeyArray` is a static array of phpeek_config_key; the host checks each key, gives it its
// default and hands it over in the normal form; `Class::validateConfig`, when declared, checks
// rules across keys. A 1.0 host ignores the declaration and passes the keys as written, so a plugin
// that relies on the normal form passes 1 as MinHostMinor:
//   static const char* const kModes[] = {"fast", "safe", nullptr};
//   static const phpeek_config_key kKeys[] = {
//       {"spool_dir", "Folder to watch", PHPEEK_KEY_PATH, 0, 0, 0, "/var/spool/app", nullptr},
//       {"spool_poll", "How often to look", PHPEEK_KEY_DURATION, PHPEEK_KEY_FLAG_HAS_MIN, 100, 0,
//        "2s", nullptr},
//       {"spool_mode", "How to copy", PHPEEK_KEY_ENUM, 0, 0, 0, "safe", kModes}};
//   PHPEEK_DEFINE_PLUGIN_WITH_SCHEMA(Spool, "spool", "1.0", "Scales workers", kKeys, 1)
// clang-format off
#define PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, Keys, MinHostMinor,    \
                                   ConfigKeys, ConfigKeyCount)                               \
  extern "C" PHPEEK_PLUGIN_EXPORT const phpeek_plugin_api_v1* phpeek_plugin_entry_v1(        \
      uint32_t host_major, uint32_t host_minor) {                                            \
    static_assert((MinHostMinor) <= PHPEEK_ABI_MINOR,                                        \
                  "min_host_minor above the minor of the headers it is built with");        \
    using Glue_ = ::phpeek::v1::detail::Glue<Class>;                                         \
    static const phpeek_plugin_api_v1 descriptor = {                                         \
        sizeof(phpeek_plugin_api_v1), PHPEEK_ABI_MAJOR, PHPEEK_ABI_MINOR, (MinHostMinor),    \
        Name, Version, Description, &Glue_::Init, &Glue_::Start, &Glue_::Stop,               \
        &Glue_::Destroy, &Glue_::Health, Keys, ConfigKeys, (ConfigKeyCount),                 \
        sizeof(phpeek_config_key), Glue_::ValidateHook()};                                   \
    /* The host checks versions and says what was built for what; no need to decline. */    \
    (void)host_major;                                                                        \
    (void)host_minor;                                                                        \
    return &descriptor;                                                                      \
  }
// clang-format on

#define PHPEEK_DEFINE_PLUGIN(Class, Name, Version, Description)          \
  PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, nullptr, \
                             PHPEEK_WRAPPER_MIN_HOST_MINOR, nullptr, 0)

#define PHPEEK_DEFINE_PLUGIN_MIN_HOST(Class, Name, Version, Description, MinHostMinor) \
  PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, nullptr, MinHostMinor, nullptr, 0)

#define PHPEEK_DEFINE_PLUGIN_WITH_KEYS(Class, Name, Version, Description, ...)              \
  static const char* const phpeek_plugin_global_keys_[] = {__VA_ARGS__, nullptr};           \
  PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, phpeek_plugin_global_keys_, \
                             PHPEEK_WRAPPER_MIN_HOST_MINOR, nullptr, 0)

#define PHPEEK_DEFINE_PLUGIN_WITH_SCHEMA(Class, Name, Version, Description, KeyArray,            \
                                         MinHostMinor)                                           \
  PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, nullptr, MinHostMinor, KeyArray, \
                             static_cast<uint32_t>(sizeof(KeyArray) / sizeof(KeyArray[0])))

#endif  // PHPEEK_PLUGIN_HPP
