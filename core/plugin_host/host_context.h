// The opaque `phpeek_host` of the plugin ABI: one per loaded plugin, so that every host service
// knows who is calling (log lines name the plugin; subscriptions go to its dispatcher). It lives
// in the plugin's PluginInstance and is valid from init until destroy returns.
#pragma once

#include <atomic>
#include <string>

#include "core/plugin_host/global_json.h"
#include "core/plugin_host/log_follows.h"
#include "core/plugin_host/process_list_cache.h"
#include "core/supervisor/control.h"
#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_host {
class EventDispatcher;

// The services table handed to every plugin: static, valid for the life of the process.
const phpeek_host_api_v1* HostServices();
}  // namespace phpeek::plugin_host

struct phpeek_host {
  std::string plugin_name;
  phpeek::Control* control = nullptr;
  // The `global:` block as JSON, replaced by a reload.
  const phpeek::plugin_host::GlobalJson* global_json = nullptr;
  phpeek::plugin_host::EventDispatcher* events = nullptr;
  const std::atomic<bool>* host_stopping = nullptr;    // set once the daemon shuts down
  phpeek::plugin_host::ProcessListCache process_list;  // for the process_list service
  phpeek::plugin_host::LogFollows log_follows;         // the plugin's log_follow ids
};
