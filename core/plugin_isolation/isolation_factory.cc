#include "core/plugin_isolation/isolation_factory.h"

#include <algorithm>
#include <cstdlib>

#include "core/log/log.h"
#include "core/plugin_isolation/isolated_plugin.h"

namespace phpeek::plugin_isolation {

plugin_host::PluginHost::Factory MakeFactory(const config::GlobalSpec& global) {
  IsolationOptions options;
  options.backoff_initial = global.restart_backoff_initial;
  options.backoff_max = global.restart_backoff_max;
  options.min_uptime = global.min_uptime;
  // Test hook: a shorter hang timeout, so that the suite sees a hung helper killed quickly.
  if (const char* hang = std::getenv("PHPEEK_PM_TEST_PLUGIN_HANG_MS")) {
    const long ms = std::atol(hang);
    if (ms > 0) {
      options.hang_timeout = Millis(ms);
      options.ping_every = Millis(std::max(1L, ms / 2));
    }
    log::Warn("test hook in effect", {{"PHPEEK_PM_TEST_PLUGIN_HANG_MS", hang}});
  }
  const auto isolation = global.plugin_isolation;
  return [options, isolation](plugin_host::LoadedPlugin plugin,
                              const plugin_host::LifecycleOptions& lifecycle)
             -> std::unique_ptr<plugin_host::HostedPlugin> {
    const bool in_process =
        std::none_of(isolation.begin(), isolation.end(), [&](const config::PluginIsolation& i) {
          return i.plugin == plugin.name && i.mode == config::IsolationMode::kProcess;
        });
    if (in_process)
      return std::make_unique<plugin_host::PluginInstance>(std::move(plugin), lifecycle);
    return std::make_unique<IsolatedPlugin>(std::move(plugin), lifecycle, options);
  };
}

}  // namespace phpeek::plugin_isolation
