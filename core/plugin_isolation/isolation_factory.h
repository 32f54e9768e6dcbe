// Which loaded plugins run in a helper process: the PluginHost factory for a configuration
// (global.plugin_isolation), with the restart backoff of global.restart_backoff_*.
#pragma once

#include "core/config/config.h"
#include "core/plugin_host/plugin_host.h"

namespace phpeek::plugin_isolation {

plugin_host::PluginHost::Factory MakeFactory(const config::GlobalSpec& global);

}  // namespace phpeek::plugin_isolation
