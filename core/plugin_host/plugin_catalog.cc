#include "core/plugin_host/plugin_catalog.h"

#include <algorithm>
#include <utility>

#include "core/plugin_host/config_check.h"
#include "core/plugin_host/plugin_list.h"

namespace phpeek::plugin_host {
namespace {

config::PluginSchema SchemaOf(const LoadedPlugin& plugin, bool active) {
  config::PluginSchema s;
  s.plugin = plugin.name;
  s.keys = plugin.keys;
  s.active = active;
  if (active) s.validate = ConfigCheck(plugin);
  return s;
}

bool Declares(const config::PluginSchemas& schemas, const std::string& key) {
  return std::any_of(schemas.plugins.begin(), schemas.plugins.end(), [&](const auto& p) {
    return std::any_of(p.keys.begin(), p.keys.end(), [&](const auto& k) { return k.name == key; });
  });
}

}  // namespace

std::string WithoutPluginHint(const std::string& name) {
  if (name == "rest-api") return "set global.api_enabled: false to run without the Management API";
  if (name == "metrics") return "set global.metrics_enabled: false to run without metrics";
  if (name == "dashboard") return "set global.dashboard_enabled: false to run without it";
  return "remove it from global.plugins to run without it";
}

PluginCatalog::PluginCatalog(std::string builtin_dir) : builtin_dir_(std::move(builtin_dir)) {}

config::SchemaProvider PluginCatalog::Provider() {
  return [this](const config::GlobalSpec& global, const std::string& config_path,
                const std::vector<std::string>& leftover) {
    return Load(global, config_path, leftover);
  };
}

std::vector<LoadedPlugin> PluginCatalog::TakeLoaded() { return std::exchange(loaded_, {}); }

config::PluginSchemas PluginCatalog::Load(const config::GlobalSpec& global,
                                          const std::string& config_path,
                                          const std::vector<std::string>& leftover) {
  loaded_.clear();
  config::PluginSchemas out;
  for (const PluginRequest& req : PluginRequests(global, config_path, builtin_dir_)) {
    LoadedPlugin plugin;
    std::string err;
    if (LoadPlugin(req, &plugin, &err) != LoadOutcome::kLoaded) {
      // Every broken plugin at once, not one per restart.
      out.problems.push_back(
          {config::Severity::kError, req.key, req.item, err, WithoutPluginHint(req.name)});
      continue;
    }
    out.plugins.push_back(SchemaOf(plugin, true));
    loaded_.push_back(std::move(plugin));
  }
  AddInactiveSchemas(global, config_path, leftover, &out);
  return out;
}

void PluginCatalog::AddInactiveSchemas(const config::GlobalSpec& global,
                                       const std::string& config_path,
                                       const std::vector<std::string>& leftover,
                                       config::PluginSchemas* out) {
  const bool all_declared = std::all_of(leftover.begin(), leftover.end(),
                                        [&](const std::string& k) { return Declares(*out, k); });
  if (all_declared) return;
  for (const char* name : {"rest-api", "metrics", "dashboard"}) {
    const bool loaded = std::any_of(loaded_.begin(), loaded_.end(),
                                    [&](const LoadedPlugin& p) { return p.name == name; });
    if (loaded) continue;
    LoadedPlugin plugin;
    std::string err;
    // Switched off and absent (or broken): its keys are simply unknown, as they would be if the
    // plugin were not installed.
    if (LoadPlugin(FindByName(name, global, config_path, builtin_dir_), &plugin, &err) ==
        LoadOutcome::kLoaded) {
      out->plugins.push_back(SchemaOf(plugin, false));
    }
  }
}

}  // namespace phpeek::plugin_host
