// `phpeek-pm check-config --keys`: every configuration key, as the loader reads them
// (config/key_table.h) and as the plugins declare theirs (their descriptors only: no init, no
// thread). config/reference.md documents each, and a test holds it to this list.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "core/cli/commands.h"
#include "core/config/key_table.h"
#include "core/config/loader.h"
#include "core/json/json_writer.h"
#include "core/plugin_host/plugin_catalog.h"
#include "core/plugin_host/plugin_list.h"

namespace phpeek::cli {
namespace {

struct PluginKey {
  std::string plugin;
  const config::KeySchema* schema;
};

// The `global:` settings that decide which plugins load: the file's with -c (its plugins and
// plugin_dir), else the defaults. Every first-party plugin counts, whether switched on or not:
// their keys are known either way.
bool PluginSettings(const CommandLine& cl, config::GlobalSpec* global, std::string* config_path) {
  if (cl.config_path.empty()) {
    global->api_enabled = global->metrics_enabled = global->dashboard_enabled = true;
    return true;
  }
  std::optional<config::GlobalSpec> seen;
  config::LoadOptions options;
  options.check_programs = false;
  options.plugins = [&](const config::GlobalSpec& g, const std::string& path,
                        const std::vector<std::string>&) {
    seen = g;
    *config_path = path;
    return config::PluginSchemas{};
  };
  const config::LoadResult r =
      config::LoadConfigFile(cl.config_path, config::CurrentEnvironment(), options);
  if (!seen) {  // the file could not be read as far as its `global:` block
    for (const auto& d : r.diagnostics) std::fprintf(stderr, "%s\n", FormatText(d).c_str());
    return false;
  }
  *global = *seen;
  global->api_enabled = global->metrics_enabled = global->dashboard_enabled = true;
  return true;
}

// Each key once, in load order; the loader ignores a plugin's declaration of a core key.
std::vector<PluginKey> PluginKeys(const config::PluginSchemas& schemas,
                                  const std::vector<config::TableKey>& core) {
  std::vector<PluginKey> out;
  for (const auto& plugin : schemas.plugins) {
    for (const auto& key : plugin.keys) {
      const auto same = [&](const auto& k) { return k.name == key.name; };
      const bool taken = std::any_of(core.begin(), core.end(), same) ||
                         std::any_of(out.begin(), out.end(), [&](const PluginKey& k) {
                           return k.schema->name == key.name;
                         });
      if (!taken) out.push_back({plugin.plugin, &key});
    }
  }
  return out;
}

void WriteCoreKey(const std::string& path, const config::TableKey& k, json::Writer* w) {
  w->BeginObject().Key("key").String(k.name).Key("path").String(path);
  w->Key("shape").String(ToString(k.shape));
  if (k.compat) w->Key("compat").Bool(true).Key("note").String(k.compat_message);
  w->EndObject();
}

void WritePluginKey(const PluginKey& k, json::Writer* w) {
  const config::KeySchema& s = *k.schema;
  w->BeginObject().Key("key").String(s.name).Key("path").String("global." + s.name);
  w->Key("shape").String("value").Key("plugin").String(k.plugin);
  w->Key("type").String(ToString(s.type)).Key("help").String(s.help);
  if (s.default_text) w->Key("default").String(*s.default_text);
  if (s.min) w->Key("min").Int(*s.min);
  if (s.max) w->Key("max").Int(*s.max);
  if (!s.allowed.empty()) {
    w->Key("allowed").BeginArray();
    for (const auto& a : s.allowed) w->String(a);
    w->EndArray();
  }
  w->EndObject();
}

void PrintJson(const std::vector<config::TableMap>& maps, const std::vector<PluginKey>& plugin) {
  json::Writer w;
  w.BeginObject().Key("maps").BeginArray();
  for (const auto& map : maps) {
    w.BeginObject().Key("path").String(map.path).Key("free_form").Bool(map.free_form);
    w.Key("keys").BeginArray();
    for (const auto& k : map.keys) WriteCoreKey(config::JoinPath(map.path, k.name), k, &w);
    if (map.path == "global") {
      for (const auto& k : plugin) WritePluginKey(k, &w);
    }
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  std::printf("%s\n", w.str().c_str());
}

// "int, default 9180, min 0, max 65535"; an enum's "one of a, b".
std::string PluginKeyRules(const config::KeySchema& s) {
  std::string text = ToString(s.type);
  if (s.default_text) text += ", default " + *s.default_text;
  if (s.min) text += ", min " + std::to_string(*s.min);
  if (s.max) text += ", max " + std::to_string(*s.max);
  for (size_t i = 0; i < s.allowed.size(); ++i)
    text += (i == 0 ? ", one of " : ", ") + s.allowed[i];
  return text;
}

void PrintText(const std::vector<config::TableMap>& maps, const std::vector<PluginKey>& plugin) {
  for (const auto& map : maps) {
    for (const auto& k : map.keys) {
      const std::string path = config::JoinPath(map.path, k.name);
      const char* what = k.compat ? "  (PHPeek PM key, kept for old files)"
                         : k.shape == config::KeyShape::kMap        ? "  (block)"
                         : k.shape == config::KeyShape::kListOfMaps ? "  (list of blocks)"
                                                                    : "";
      std::printf("%s%s\n", path.c_str(), what);
    }
    if (map.path != "global") continue;
    for (const auto& k : plugin) {
      std::printf("global.%s  %s  (%s plugin)  %s\n", k.schema->name.c_str(),
                  PluginKeyRules(*k.schema).c_str(), k.plugin.c_str(), k.schema->help.c_str());
    }
  }
}

}  // namespace

int RunCheckConfigKeys(const CommandLine& cl) {
  config::GlobalSpec global;
  std::string config_path;
  if (!PluginSettings(cl, &global, &config_path)) return 1;
  plugin_host::PluginCatalog catalog(plugin_host::DefaultPluginDir());
  const config::PluginSchemas schemas = catalog.Provider()(global, config_path, {});
  const std::vector<config::TableMap> maps = config::CoreKeyTable();
  const auto global_map = std::find_if(
      maps.begin(), maps.end(), [](const config::TableMap& m) { return m.path == "global"; });
  const std::vector<PluginKey> plugin = PluginKeys(
      schemas, global_map == maps.end() ? std::vector<config::TableKey>{} : global_map->keys);
  if (cl.json) {
    PrintJson(maps, plugin);
  } else {
    PrintText(maps, plugin);
  }
  // A plugin that could not be opened leaves its keys out: say so, and fail.
  for (const auto& p : schemas.problems) {
    std::fprintf(stderr, "phpeek-pm: %s (its keys are not listed)\n", p.message.c_str());
  }
  return schemas.problems.empty() ? 0 : 1;
}

}  // namespace phpeek::cli
