// `global.plugin_isolation`: a map from plugin name to where it runs, `in_process` (the default)
// or `process` (a helper process of its own). Names follow the plugin name rule of plugin_abi.h;
// a name this configuration does not load is a warning at its line, with the closest loaded
// plugin as hint (check-config --strict fails on it).
#include <algorithm>
#include <cctype>

#include "core/config/sections.h"

namespace phpeek::config {
namespace {

// [a-z0-9][a-z0-9_.-]*, at most 64 characters (sdk/include/phpeek/plugin_abi.h).
bool IsPluginName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  if (!std::islower(static_cast<unsigned char>(name[0])) &&
      !std::isdigit(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

void ReadPluginIsolation(Reader& r, const Node& node, const std::string& path,
                         std::vector<PluginIsolation>* out) {
  r.Map(node, path, {}, {}, [&](const MapEntry& e, const std::string&) {
    const std::string at = JoinPath(path, e.key);
    if (!IsPluginName(e.key)) {
      r.Error(e.key_pos, at, "'" + e.key + "' is not a plugin name",
              "a plugin name is [a-z0-9][a-z0-9_.-]*, at most 64 characters (e.g. rest-api)");
      return;
    }
    PluginIsolation entry{e.key, IsolationMode::kInProcess, e.key_pos};
    if (r.Choice<IsolationMode>(
            *e.value, at,
            {{"in_process", IsolationMode::kInProcess}, {"process", IsolationMode::kProcess}},
            &entry.mode)) {
      out->push_back(entry);
    }
  });
}

void CheckPluginIsolation(Reader& r, const GlobalSpec& global, const PluginSchemas& schemas) {
  std::vector<std::string> loaded;
  for (const auto& p : schemas.plugins) {
    if (p.active) loaded.push_back(p.plugin);
  }
  for (const auto& entry : global.plugin_isolation) {
    if (std::find(loaded.begin(), loaded.end(), entry.plugin) != loaded.end()) continue;
    const std::string closest = r.Closest(entry.plugin, loaded);
    std::string list;
    for (const auto& name : loaded) list += (list.empty() ? "" : ", ") + name;
    r.Warning(entry.pos, JoinPath("global.plugin_isolation", entry.plugin),
              "plugin_isolation names '" + entry.plugin +
                  "', which this configuration does not load; ignored",
              closest.empty() ? "loaded plugins: " + (list.empty() ? std::string("none") : list)
                              : "did you mean '" + closest + "'?");
  }
}

}  // namespace phpeek::config
