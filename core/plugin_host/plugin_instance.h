// One loaded plugin through its lifecycle: init -> start -> stop -> destroy. Hooks run on the
// calling (main) thread, one at a time, except stop, which runs on a helper thread so that a plugin
// that never returns from it cannot hang the daemon's exit: at shutdown, an event callback under
// way and stop are waited for until the shutdown deadline (at least `min_wait`); past it the plugin
// is abandoned (logged by name, stop and/or destroy skipped). Any hook running past the time
// budget is reported while it runs. A C++ exception escaping a hook is caught here and reported as
// that hook's failure. Every call into the plugin is marked for the crash handler.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/hosted_plugin.h"
#include "core/plugin_host/plugin_loader.h"

namespace phpeek::plugin_host {

struct LifecycleOptions {
  // Warn when a hook runs longer; also the most time spent delivering queued events at shutdown.
  std::chrono::milliseconds budget{5000};
  // global.shutdown_timeout: PluginHost::Stop's deadline runs from the start of the shutdown.
  std::chrono::milliseconds shutdown_timeout{30000};
  // The least a callback under way or stop is waited for, even once the deadline has passed.
  std::chrono::milliseconds min_wait{1000};
  size_t queue_capacity = 1024;  // per subscription
};

class PluginInstance : public HostedPlugin {
 public:
  PluginInstance(LoadedPlugin plugin, const LifecycleOptions& options);
  ~PluginInstance() override;
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // `control`, `global_json` and `stopping` must outlive this object.
  bool Init(Control* control, const GlobalJson* global_json, const std::atomic<bool>* stopping,
            std::string* err) override;
  bool Start(std::string* err) override;
  // Stops event delivery, then calls stop (if started) and destroy (if initialised), waiting for a
  // callback under way and for stop until `deadline` (at least options.min_wait each). Returns
  // false when the plugin had to be abandoned. Idempotent.
  bool Shutdown(Clock::time_point deadline) override;
  bool Shutdown() { return Shutdown(Clock::now() + options_.shutdown_timeout); }
  // Loop thread: queue an event for this plugin (no-op unless running; an event type added after
  // the minor the plugin negotiated is not for it).
  void Push(const std::shared_ptr<const AbiEvent>& event) override {
    if (event->since_minor <= plugin_.negotiated_minor) events_.Push(event);
  }

  const LoadedPlugin& plugin() const { return plugin_; }
  const std::string& name() const override { return plugin_.name; }

 private:
  enum class Stage { kLoaded, kInitialised, kStarted, kDone };

  bool CallStop(Clock::time_point give_up);
  void CallDestroy();
  bool Abandon();

  // What the plugin's threads may still reach. Heap-held so that an abandoned plugin (stop past
  // its deadline) keeps a valid context: it is then deliberately leaked, like the library itself.
  struct Context {
    Context(const std::string& name, size_t capacity, int crash_id)
        : events(name, capacity, crash_id) {}
    EventDispatcher events;
    phpeek_host host;
  };

  LoadedPlugin plugin_;
  LifecycleOptions options_;
  const int crash_id_;  // core/crash/plugin_registry.h
  std::unique_ptr<Context> shared_;
  phpeek_host& context_;
  EventDispatcher& events_;
  void* self_ = nullptr;
  Stage stage_ = Stage::kLoaded;
  bool abandoned_ = false;
};

}  // namespace phpeek::plugin_host
