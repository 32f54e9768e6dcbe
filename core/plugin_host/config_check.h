// A plugin's validate_config hook (plugin_abi.h, 1.1) as the config loader's ValidateFn: the
// configuration handed over as a phpeek_config_view, what the plugin reports copied (bounded) into
// KeyReports. Runs before init and without one (check-config, --dry-run), so it needs nothing but
// the descriptor.
#pragma once

#include "core/config/key_schema.h"
#include "core/plugin_host/plugin_loader.h"

namespace phpeek::plugin_host {

// Empty when the plugin has no hook. The result may outlive `plugin` (it copies what it needs).
config::ValidateFn ConfigCheck(const LoadedPlugin& plugin);

}  // namespace phpeek::plugin_host
