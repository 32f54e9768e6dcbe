#include "core/config/plugin_keys.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/config/config_json.h"
#include "core/config/sections.h"
#include "core/config/typed_value.h"
#include "core/json/json_writer.h"

namespace phpeek::config {
namespace {

// Who declares a key, and how (the first typed declaration wins; see Declare).
struct Declared {
  const KeySchema* schema = nullptr;
  std::vector<std::string> plugins;
};

using Table = std::map<std::string, Declared>;

bool SameRules(const KeySchema& a, const KeySchema& b) {
  return a.type == b.type && a.min == b.min && a.max == b.max && a.default_text == b.default_text &&
         a.allowed == b.allowed && a.empty_is_unset == b.empty_is_unset;
}

bool IsCoreKey(const std::string& key) {
  const auto& core = KnownGlobalKeys();
  return std::find(core.begin(), core.end(), key) != core.end();
}

void Declare(const std::string& plugin, const KeySchema& key, Table* table,
             std::vector<KeyReport>* reports) {
  const bool typed = key.type != KeyType::kUntyped;
  if (IsCoreKey(key.name)) {
    // A 1.0 plugin may list a core key it reads among its global_keys: harmless.
    if (typed) {
      reports->push_back({Severity::kError, key.name, -1,
                          "plugin '" + plugin + "' declares '" + key.name +
                              "', a key of the core; its declaration is ignored",
                          "the plugin must rename its key"});
    }
    return;
  }
  Declared& d = (*table)[key.name];
  d.plugins.push_back(plugin);
  if (d.schema == nullptr || (typed && d.schema->type == KeyType::kUntyped)) {
    d.schema = &key;
  } else if (typed && !SameRules(*d.schema, key)) {
    reports->push_back({Severity::kError, key.name, -1,
                        "plugins '" + d.plugins.front() + "' and '" + plugin + "' both declare '" +
                            key.name + "', with different rules (" + ToString(d.schema->type) +
                            " and " + ToString(key.type) + ")",
                        "rename the key in one of them"});
  }
}

void ReportUnknown(Reader& r, const MapEntry& entry, const Table& table) {
  std::vector<std::string> candidates = KnownGlobalKeys();
  for (const auto& [name, d] : table) candidates.push_back(name);
  const std::string closest = r.Closest(entry.key, candidates);
  const std::string& var = entry.value->env_origin;
  r.UnknownKey(entry.key_pos, "global." + entry.key,
               var.empty()
                   ? "unknown key '" + entry.key + "' is ignored (no loaded plugin reads it)"
                   : "environment variable " + var + " sets unknown key '" + entry.key +
                         "', which is ignored (no loaded plugin reads it)",
               closest.empty() ? "" : "did you mean '" + closest + "'?");
}

// Whether the entry holds a value (else its default applies); false too when it is invalid.
bool ReadDeclared(Reader& r, const MapEntry& entry, const Declared& d,
                  const std::string& config_path, PluginKeysResult* out) {
  const std::string path = "global." + entry.key;
  if (IsUnsetValue(r, *entry.value, path, *d.schema)) return false;
  json::Writer w;
  if (WriteTypedValue(r, *entry.value, path, *d.schema, config_path, &w)) {
    out->values.emplace_back(entry.key, w.Take());
    return true;
  }
  for (const auto& p : d.plugins) out->plugins_with_errors.push_back(p);
  return true;  // no default either: the configuration is invalid anyway
}

void AddDefaults(const PluginSchemas& schemas, const Table& table, std::set<std::string>* set,
                 const std::string& config_path, PluginKeysResult* out) {
  for (const auto& plugin : schemas.plugins) {
    if (!plugin.active) continue;  // read only to know its keys: nobody reads its defaults
    for (const auto& key : plugin.keys) {
      const auto it = table.find(key.name);
      if (it == table.end() || !set->insert(key.name).second) continue;
      // The declaration that rules the key, which may be another plugin's with the same rules.
      std::string json, err;
      if (DefaultJson(*it->second.schema, config_path, &json, &err) && !json.empty()) {
        out->values.emplace_back(key.name, json);
      }
    }
  }
}

SourcePos PositionOf(const Node& global, const KeyReport& report, SourcePos global_pos,
                     std::string* env_var) {
  for (const auto& e : global.entries) {
    if (report.key.empty() || e.key != report.key) continue;
    *env_var = e.value->env_origin;
    const auto item = static_cast<size_t>(report.item);
    if (report.item >= 0 && e.value->IsSequence() && item < e.value->items.size()) {
      return e.value->items[item]->pos;
    }
    return e.key_pos.line > 0 ? e.key_pos : e.value->pos;
  }
  return global_pos;
}

}  // namespace

PluginKeysResult ReadPluginKeys(Reader& r, const Node& global, SourcePos global_pos,
                                const std::vector<const MapEntry*>& leftover,
                                const PluginSchemas& schemas, const std::string& config_path) {
  Table table;
  std::vector<KeyReport> conflicts;
  for (const auto& plugin : schemas.plugins) {
    for (const auto& key : plugin.keys) Declare(plugin.plugin, key, &table, &conflicts);
  }
  ReportAtKeys(r, global, global_pos, conflicts);
  PluginKeysResult out;
  std::set<std::string> set;
  for (const MapEntry* entry : leftover) {
    const auto it = table.find(entry->key);
    const bool typed = it != table.end() && it->second.schema->type != KeyType::kUntyped;
    if (typed) {
      if (ReadDeclared(r, *entry, it->second, config_path, &out)) set.insert(entry->key);
      continue;
    }
    if (it == table.end()) ReportUnknown(r, *entry, table);
    json::Writer w;
    WriteAsWritten(r, *entry->value, "global." + entry->key, &w);
    out.values.emplace_back(entry->key, w.Take());
    set.insert(entry->key);
  }
  AddDefaults(schemas, table, &set, config_path, &out);
  return out;
}

void ReportAtKeys(Reader& r, const Node& global, SourcePos global_pos,
                  const std::vector<KeyReport>& reports) {
  for (const auto& report : reports) {
    std::string var;
    const SourcePos pos = PositionOf(global, report, global_pos, &var);
    std::string path = report.key.empty() ? "global" : "global." + report.key;
    if (!report.key.empty() && report.item >= 0) path = ItemPath(path, report.item);
    const std::string message =
        var.empty() ? report.message : "environment variable " + var + ": " + report.message;
    if (report.severity == Severity::kError) {
      r.Error(pos, path, message, report.hint);
    } else {
      r.Warning(pos, path, message, report.hint);
    }
  }
}

void RunPluginChecks(Reader& r, const Node& global, SourcePos global_pos,
                     const PluginSchemas& schemas, const PluginKeysResult& keys,
                     const std::string& config_json) {
  const auto& failed = keys.plugins_with_errors;
  for (const auto& plugin : schemas.plugins) {
    if (!plugin.active || !plugin.validate) continue;
    if (std::find(failed.begin(), failed.end(), plugin.plugin) != failed.end()) continue;
    ReportAtKeys(r, global, global_pos, plugin.validate(config_json));
  }
}

}  // namespace phpeek::config
