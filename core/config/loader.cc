// LoadConfigFile / LoadConfigText: text checks, YAML parsing, overrides, the sections in order
// (global first: processes inherit from it), cross-process validation, then the verdict.
#include "core/config/loader.h"

#include <algorithm>
#include <map>
#include <memory>

#include "core/config/config_json.h"
#include "core/config/overrides.h"
#include "core/config/plugin_keys.h"
#include "core/config/reader.h"
#include "core/config/sections.h"
#include "core/config/source_text.h"
#include "core/config/validate.h"
#include "core/config/yaml_loader.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

// The `global:` value to read: the first `global` entry (a later duplicate is reported by the
// top-level walk), made a map so that overrides have somewhere to go.
Node* PrepareGlobal(Reader& r, Node* root) {
  for (auto& e : root->entries) {
    if (e.key != "global") continue;
    if (e.value->IsNull()) e.value->kind = Node::Kind::kMap;
    if (!e.value->IsMap()) {
      r.Error(e.value->pos, "global",
              std::string("expected a map of keys, got ") + DescribeKind(*e.value));
      e.value = std::make_unique<Node>();
      e.value->kind = Node::Kind::kMap;
    }
    return e.value.get();
  }
  auto node = std::make_unique<Node>();
  node->kind = Node::Kind::kMap;
  root->entries.push_back({"global", {}, std::move(node)});  // no position: not in the file
  return root->entries.back().value.get();
}

void ReadProcesses(Reader& r, const Node& node, SourcePos key_pos, Config* config) {
  if (!node.IsMap() && !node.IsNull()) {
    r.Error(node.pos, "processes",
            std::string("expected a map of processes, got ") + DescribeKind(node),
            "e.g. processes: { web: { command: [\"php-fpm\", \"-F\"] } }");
    return;
  }
  if (node.entries.empty()) {
    r.Warning(key_pos, "processes", "no processes are defined: there is nothing to supervise");
    return;
  }
  std::map<std::string, SourcePos> seen;
  for (const auto& entry : node.entries) {
    const auto [first, inserted] = seen.emplace(entry.key, entry.key_pos);
    if (!inserted) {
      r.Error(entry.key_pos, JoinPath("processes", entry.key),
              "duplicate process name '" + entry.key + "' (first defined at line " +
                  std::to_string(first->second.line) + ")",
              "give each process its own name: YAML keeps only one of them");
      ProcessSpec ignored;  // read all the same, so that its own problems are reported too
      ReadProcess(r, entry, config->global, &ignored);
      continue;
    }
    ProcessSpec spec;
    ReadProcess(r, entry, config->global, &spec);
    config->processes.push_back(std::move(spec));
  }
}

SourcePos GlobalKeyPos(const Node& root) {
  for (const auto& e : root.entries) {
    if (e.key == "global") return e.key_pos;
  }
  return {};
}

// The core's keys, then the rest by the plugins' schemas; the `global:` block in the normal form.
void ReadGlobalBlock(Reader& r, Node* root, const SchemaProvider& provider, Config* config) {
  Node* global = PrepareGlobal(r, root);
  ApplyGlobalOverrides(r, r.env(), global);
  std::vector<const MapEntry*> leftover;
  ReadGlobal(r, *global, &config->global, &leftover);
  PluginSchemas schemas;
  if (provider) {
    std::vector<std::string> names;
    for (const MapEntry* e : leftover) names.push_back(e->key);
    schemas = provider(config->global, r.file(), names);
    CheckPluginIsolation(r, config->global, schemas);
  }
  const SourcePos global_pos = GlobalKeyPos(*root);
  ReportAtKeys(r, *global, global_pos, schemas.problems);
  const PluginKeysResult keys = ReadPluginKeys(r, *global, global_pos, leftover, schemas, r.file());
  config->global_json = RenderGlobalJson(r, config->global, *global, keys.values);
  RunPluginChecks(r, *global, global_pos, schemas, keys,
                  "{\"schema\":1,\"global\":" + config->global_json + "}");
}

void ReadDocument(Reader& r, Node* root, const LoadOptions& options, Config* config) {
  ReadGlobalBlock(r, root, options.plugins, config);
  bool has_processes = false;
  r.Map(*root, "",
        {
            {"version", [&](const Node& v, P p) { r.Text(v, p, &config->version); }},
            {"global", [](const Node&, P) {}},  // read above
            {"hooks", [&](const Node& v, P p) { ReadLifecycleHooks(r, v, p, &config->hooks); }},
            {"processes", [&](const Node&, P) { has_processes = true; }},
        });
  for (const auto& e : root->entries) {
    if (e.key == "processes") {
      ReadProcesses(r, *e.value, e.key_pos, config);
      break;  // a duplicate is reported by the walk above
    }
  }
  if (!has_processes) {
    r.Error({1, 1}, "processes", "no 'processes:' map in the file",
            "e.g. processes: { web: { command: [\"php-fpm\", \"-F\"] } }");
  }
}

}  // namespace

void PromoteUnknownKeys(LoadResult* result) {
  bool any = false;
  for (Diagnostic& d : result->diagnostics) {
    if (!d.unknown_key || d.severity == Severity::kError) continue;
    d.severity = Severity::kError;
    d.message += " (at a reload an unknown key is an error: nothing was changed)";
    any = true;
  }
  if (any) result->config.reset();
}

LoadResult LoadConfigFile(const std::string& path, const Environment& env,
                          const LoadOptions& options) {
  LoadResult result;
  std::string text;
  if (!ReadSourceFile(path, &text, &result.diagnostics)) return result;
  return LoadConfigText(text, path, env, options);
}

LoadResult LoadConfigText(const std::string& text, const std::string& display_name,
                          const Environment& env, const LoadOptions& options) {
  LoadResult result;
  Diagnostics& d = result.diagnostics;
  if (!CheckSourceText(text, display_name, &d)) return result;
  std::unique_ptr<Node> root = ParseYaml(text, display_name, &d);
  if (!root) return result;
  Reader r(display_name, env, &d);
  r.set_map_observer(options.map_observer);
  if (root->IsNull()) {
    r.Error({}, "", "file is empty (it holds only comments)",
            "a configuration needs at least a 'processes:' map");
    return result;
  }
  if (!root->IsMap()) {
    r.Error(root->pos, "",
            std::string("the top level must be a map of keys, got ") + DescribeKind(*root),
            "start with 'processes:' (and optionally 'version:', 'global:', 'hooks:')");
    return result;
  }
  Config config;
  config.source_path = display_name;
  ReadDocument(r, root.get(), options, &config);
  ValidateConfig(r, config, options.check_programs, env);
  SortByPosition(&d);
  if (!HasErrors(d)) result.config = std::move(config);
  return result;
}

}  // namespace phpeek::config
