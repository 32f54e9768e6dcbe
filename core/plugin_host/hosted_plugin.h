// What the plugin host drives for each loaded plugin, wherever it runs: in the daemon
// (PluginInstance) or in a helper process of its own (core/plugin_isolation/isolated_plugin.h).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/global_json.h"
#include "core/supervisor/control.h"

namespace phpeek::plugin_host {

class HostedPlugin {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~HostedPlugin() = default;

  // Main thread, in load order. `control`, `global_json` and `stopping` outlive this object.
  virtual bool Init(Control* control, const GlobalJson* global_json,
                    const std::atomic<bool>* stopping, std::string* err) = 0;
  virtual bool Start(std::string* err) = 0;
  // Main thread: stop and destroy by `deadline` (see PluginInstance). False when the plugin had to
  // be abandoned or killed. Idempotent.
  virtual bool Shutdown(Clock::time_point deadline) = 0;
  // Loop thread: never blocks.
  virtual void Push(const std::shared_ptr<const AbiEvent>& event) = 0;
  virtual const std::string& name() const = 0;
};

}  // namespace phpeek::plugin_host
