// One loaded plugin through its lifecycle: init -> start -> stop -> destroy. Hooks run on the
// calling (main) thread, one at a time, except stop, which runs on a helper thread so that a plugin
// that never returns from it cannot hang the daemon's exit: past the stop deadline the plugin is
// abandoned (logged, destroy skipped). Any hook running past the time budget is reported while it
// runs. A C++ exception escaping a hook is caught here and reported as that hook's failure.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/plugin_loader.h"

namespace phpeek::plugin_host {

struct LifecycleOptions {
  std::chrono::milliseconds budget{5000};         // warn when a hook runs longer
  std::chrono::milliseconds stop_deadline{10000};  // abandon a plugin whose stop runs longer
  size_t queue_capacity = 1024;                    // per subscription
};

class PluginInstance {
 public:
  PluginInstance(LoadedPlugin plugin, const LifecycleOptions& options);
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // `control`, `global_json` and `stopping` must outlive this object.
  bool Init(Control* control, const std::string* global_json, const std::atomic<bool>* stopping,
            std::string* err);
  bool Start(std::string* err);
  // Stops event delivery, then calls stop (if started) and destroy (if initialised). Idempotent.
  void Shutdown();
  // Loop thread: queue an event for this plugin (no-op unless running).
  void Push(const std::shared_ptr<const AbiEvent>& event) { events_.Push(event); }

  const LoadedPlugin& plugin() const { return plugin_; }
  const std::string& name() const { return plugin_.name; }

 private:
  enum class Stage { kLoaded, kInitialised, kStarted, kDone };

  bool CallStop();
  void CallDestroy();

  // What the plugin's threads may still reach. Heap-held so that an abandoned plugin (stop past
  // its deadline) keeps a valid context: it is then deliberately leaked, like the library itself.
  struct Context {
    explicit Context(const std::string& name, size_t capacity) : events(name, capacity) {}
    EventDispatcher events;
    phpeek_host host;
  };

  LoadedPlugin plugin_;
  LifecycleOptions options_;
  std::unique_ptr<Context> shared_;
  phpeek_host& context_;
  EventDispatcher& events_;
  void* self_ = nullptr;
  Stage stage_ = Stage::kLoaded;
};

}  // namespace phpeek::plugin_host
