// The plugin host: runs the lifecycle of the plugins a configuration loaded (PluginCatalog)
// around the supervisor's run, and fans the supervisor's events out to them. Usage
// (core/cli/serve_command.cc):
//
//   PluginCatalog catalog(DefaultPluginDir());     // the loader opens the plugins through it
//   ... config::LoadConfigFile(path, env, {.plugins = catalog.Provider()}) ...
//   PluginHost plugins(catalog.TakeLoaded(), config.global_json);  // logs one line per plugin
//   if (!plugins.Start(&supervisor)) return 1;  // init + start; no process has started yet
//   supervisor.Run();                           // plugins see every event, also during shutdown
//   if (!plugins.Stop()) code = 1;              // stop + destroy, reverse load order, bounded
//
// Threads: Start and Stop on the main thread; OnEvent on the supervisor loop thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/plugin_host/global_json.h"
#include "core/plugin_host/plugin_instance.h"
#include "core/plugin_host/plugin_loader.h"
#include "core/supervisor/control.h"

namespace phpeek::plugin_host {

class PluginHost : public EventListener {
 public:
  // Makes what runs a loaded plugin; the default runs it in the daemon (PluginInstance).
  using Factory =
      std::function<std::unique_ptr<HostedPlugin>(LoadedPlugin, const LifecycleOptions&)>;

  // `plugins` are loaded (dlopen and handshake done); one log line each records what was loaded.
  PluginHost(std::vector<LoadedPlugin> plugins, std::string global_json,
             LifecycleOptions options = {}, const Factory& factory = nullptr);
  ~PluginHost() override;
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Registers for events on `control`, then inits and starts each plugin in load order. On the
  // first failure, shuts down those already started (reverse order) and returns false.
  bool Start(Control* control);
  // Refuses further control requests, then shuts plugins down in reverse load order, by the
  // shutdown deadline: options.shutdown_timeout from SHUTTING_DOWN (or from now, when the run
  // ended without one). Returns false when a plugin had to be abandoned (an event callback or
  // stop still running at the deadline; each is logged by name). Idempotent.
  bool Stop();

  void OnEvent(const Event& event) override;

  size_t loaded_count() const { return instances_.size(); }

 private:
  GlobalJson global_json_;  // replaced on CONFIG_RELOADED, before plugins hear of it
  LifecycleOptions options_;
  std::vector<std::unique_ptr<HostedPlugin>> instances_;  // load order
  std::atomic<size_t> started_{0};                        // instances_[0, started_) are running
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> shutdown_began_ns_{0};  // steady clock, at SHUTTING_DOWN
  bool listening_ = false;
};

}  // namespace phpeek::plugin_host
