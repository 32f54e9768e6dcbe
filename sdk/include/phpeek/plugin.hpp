// Optional header-only C++17 wrapper over plugin_abi.h. Everything here compiles into the plugin;
// only the C types of plugin_abi.h cross the boundary. Exceptions thrown by the plugin's class are
// caught in the trampolines below and become a status code plus message; they never reach the host.
//
//   class MyPlugin : public phpeek::v1::Plugin {
//    public:
//     MyPlugin(phpeek::v1::Host host, const std::string& config_json) : Plugin(host) {}
//     phpeek::v1::Status start() override { return subscribeEvents(PHPEEK_EVENT_MASK_ALL); }
//     void onEvent(const phpeek_event& ev) override { host().info(ev.process); }
//   };
//   PHPEEK_DEFINE_PLUGIN(MyPlugin, "my-plugin", "1.0.0", "What it does")
//
// The constructor runs inside init (throw to refuse, with a message); start, stop and onEvent run
// as described in plugin_abi.h. Threading rules are those of the C ABI.
#ifndef PHPEEK_PLUGIN_HPP
#define PHPEEK_PLUGIN_HPP

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "phpeek/plugin_abi.h"

// Offset test on the host services table: is `member` present in this host's table?
#define PHPEEK_HOST_HAS(api, member) PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api, member)

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

  Status configJson(const std::string& pointer, std::string* out) const {
    return Call([&](phpeek_sink* o, phpeek_sink* e) {
      return api_->config_get_json(host_, pointer.c_str(), o, e);
    }, out);
  }
  Status configString(const std::string& pointer, std::string* out) const {
    return Call([&](phpeek_sink* o, phpeek_sink* e) {
      return api_->config_get_string(host_, pointer.c_str(), o, e);
    }, out);
  }
  Status processList(std::string* out_json) const {
    return Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_list(host_, o, e); },
                out_json);
  }
  Status processGet(const std::string& name, std::string* out_json) const {
    return Call([&](phpeek_sink* o, phpeek_sink* e) {
      return api_->process_get(host_, name.c_str(), o, e);
    }, out_json);
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

 private:
  template <typename F>
  Status Call(F&& f, std::string* out) const {
    std::string err;
    phpeek_sink o = detail::StringSink(out);
    phpeek_sink e = detail::StringSink(&err);
    const int32_t code = f(&o, &e);
    return Status{code, std::move(err)};
  }

  const phpeek_host_api_v1* api_;
  phpeek_host* host_;
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
  // Routes events matching `mask` to onEvent().
  Status subscribeEvents(uint32_t mask, uint64_t* out_id = nullptr) {
    return host_.subscribe(mask, &Plugin::EventTrampoline, this, out_id);
  }

 private:
  static void EventTrampoline(void* user, const phpeek_event* ev) noexcept {
    auto* self = static_cast<Plugin*>(user);
    try {
      self->onEvent(*ev);
    } catch (const std::exception& e) {
      self->host_.error(std::string("onEvent threw: ") + e.what());
    } catch (...) {
      self->host_.error("onEvent threw a non-standard exception");
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
      p->host().error("stop threw: " + msg);
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
};

}  // namespace detail
}  // namespace v1
}  // namespace phpeek

// Emits the descriptor and the exported entry for `Class`, which derives from phpeek::v1::Plugin
// and has a constructor `Class(phpeek::v1::Host, const std::string& config_json)`.
// PHPEEK_DEFINE_PLUGIN_WITH_KEYS also declares the top-level `global:` keys the plugin reads:
//   PHPEEK_DEFINE_PLUGIN_WITH_KEYS(Spool, "spool", "1.0", "Scales workers", "spool_dir", "spool_max")
// PHPEEK_DEFINE_PLUGIN_MIN_HOST declares the oldest host minor the plugin works with, for a plugin
// that checks newer services before using them (e.g. daemonStatus() answering UNSUPPORTED):
//   PHPEEK_DEFINE_PLUGIN_MIN_HOST(Stats, "stats", "1.0", "Counts things", 0)
// clang-format off
#define PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, Keys, MinHostMinor)    \
  extern "C" PHPEEK_PLUGIN_EXPORT const phpeek_plugin_api_v1* phpeek_plugin_entry_v1(        \
      uint32_t host_major, uint32_t host_minor) {                                            \
    using Glue_ = ::phpeek::v1::detail::Glue<Class>;                                         \
    static const phpeek_plugin_api_v1 descriptor = {                                         \
        sizeof(phpeek_plugin_api_v1), PHPEEK_ABI_MAJOR, PHPEEK_ABI_MINOR, (MinHostMinor),    \
        Name, Version, Description, &Glue_::Init, &Glue_::Start, &Glue_::Stop,               \
        &Glue_::Destroy, &Glue_::Health, Keys};                                              \
    /* The host checks versions and says what was built for what; no need to decline. */    \
    (void)host_major;                                                                        \
    (void)host_minor;                                                                        \
    return &descriptor;                                                                      \
  }
// clang-format on

#define PHPEEK_DEFINE_PLUGIN(Class, Name, Version, Description) \
  PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, nullptr, PHPEEK_ABI_MINOR)

#define PHPEEK_DEFINE_PLUGIN_MIN_HOST(Class, Name, Version, Description, MinHostMinor) \
  PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, nullptr, MinHostMinor)

#define PHPEEK_DEFINE_PLUGIN_WITH_KEYS(Class, Name, Version, Description, ...)              \
  static const char* const phpeek_plugin_global_keys_[] = {__VA_ARGS__, nullptr};           \
  PHPEEK_DEFINE_PLUGIN_IMPL_(Class, Name, Version, Description, phpeek_plugin_global_keys_, \
                             PHPEEK_ABI_MINOR)

#endif  // PHPEEK_PLUGIN_HPP
