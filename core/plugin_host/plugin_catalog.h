// The plugins a configuration loads, opened and checked: dlopen, entry, handshake and key schema,
// but no init and no thread. As the config loader's SchemaProvider it tells the loader every key
// the plugins declare and their cross-key checks, so that check-config, --dry-run and serve give
// the same diagnostics for plugin keys as for the core's; serve then hands the loaded plugins to
// the PluginHost. Which plugins are loaded is decided here only (plugin_list.h), for all three.
//
//   PluginCatalog catalog(DefaultPluginDir());
//   config::LoadOptions options;
//   options.plugins = catalog.Provider();
//   config::LoadResult r = config::LoadConfigFile(path, env, options);
//   PluginHost host(catalog.TakeLoaded(), r.config->global_json);
//
// A plugin that cannot be loaded is an error of the configuration, shown at what asks for it
// (api_enabled, metrics_enabled, dashboard_enabled or its `plugins:` entry). When the file sets
// keys that no loaded plugin declares, the first-party plugins that are switched off are opened
// too, for their schemas only: `api_port` is then a known key (checked, not loaded) even with
// api_enabled: false.
#pragma once

#include <string>
#include <vector>

#include "core/config/key_schema.h"
#include "core/plugin_host/plugin_loader.h"

namespace phpeek::plugin_host {

class PluginCatalog {
 public:
  explicit PluginCatalog(std::string builtin_dir);

  // Binds this catalog, which must outlive the load.
  config::SchemaProvider Provider();
  // The plugins the last load loaded, in load order (empty once taken).
  std::vector<LoadedPlugin> TakeLoaded();
  const std::vector<LoadedPlugin>& loaded() const { return loaded_; }

 private:
  config::PluginSchemas Load(const config::GlobalSpec& global, const std::string& config_path,
                             const std::vector<std::string>& leftover);
  // The switched-off first-party plugins, when `leftover` has a key no loaded plugin declares.
  void AddInactiveSchemas(const config::GlobalSpec& global, const std::string& config_path,
                          const std::vector<std::string>& leftover, config::PluginSchemas* out);

  std::string builtin_dir_;
  std::vector<LoadedPlugin> loaded_;
};

// How to run without the plugin, for the message of a plugin that cannot be loaded.
std::string WithoutPluginHint(const std::string& name);

}  // namespace phpeek::plugin_host
