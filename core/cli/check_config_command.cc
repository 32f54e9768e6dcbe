// `phpeek-pm check-config`: every problem of a configuration file, as text or as one JSON document,
// the keys of the plugins it loads included.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "core/cli/commands.h"
#include "core/config/loader.h"
#include "core/config/not_acted_on.h"
#include "core/json/json_writer.h"
#include "core/plugin_host/plugin_catalog.h"
#include "core/plugin_host/plugin_list.h"

namespace phpeek::cli {
namespace {

constexpr const char* kNotActedOn = "not acted on yet: parsed and checked, without effect";

void PrintJson(const std::string& path, bool valid, const config::Diagnostics& diagnostics,
               const std::vector<config::NotActedOn>& not_acted_on) {
  json::Writer w;
  w.BeginObject().Key("file").String(path).Key("valid").Bool(valid);
  w.Key("errors").Int(static_cast<int64_t>(CountSeverity(diagnostics, config::Severity::kError)));
  w.Key("warnings")
      .Int(static_cast<int64_t>(CountSeverity(diagnostics, config::Severity::kWarning)));
  w.Key("diagnostics").BeginArray();
  for (const auto& d : diagnostics) w.Raw(config::FormatJson(d));
  w.EndArray();
  w.Key("not_acted_on").BeginArray();
  for (const auto& k : not_acted_on) {
    w.BeginObject().Key("key").String(k.key_path).Key("file").String(path);
    w.Key("line").Int(k.pos.line).Key("column").Int(k.pos.column);
    w.Key("message").String(kNotActedOn).EndObject();
  }
  w.EndArray().EndObject();
  std::printf("%s\n", w.str().c_str());
}

// The keys not acted on yet as notes after the diagnostics, in their format
// (file:line:column: note: key: message), counted in the summary when there are any.
void PrintText(const std::string& path, bool valid, const config::Diagnostics& diagnostics,
               const std::vector<config::NotActedOn>& not_acted_on) {
  for (const auto& d : diagnostics) std::fprintf(stderr, "%s\n", config::FormatText(d).c_str());
  for (const auto& k : not_acted_on) {
    std::fprintf(stderr, "%s:%d:%d: note: %s: %s\n", path.c_str(), k.pos.line, k.pos.column,
                 k.key_path.c_str(), kNotActedOn);
  }
  const size_t errors = CountSeverity(diagnostics, config::Severity::kError);
  const size_t warnings = CountSeverity(diagnostics, config::Severity::kWarning);
  const std::string notes = not_acted_on.empty()
                                ? ""
                                : ", " + std::to_string(not_acted_on.size()) +
                                      (not_acted_on.size() == 1 ? " key" : " keys") +
                                      " not acted on yet";
  std::printf("%s: %s (%zu error%s, %zu warning%s%s)\n", path.c_str(), valid ? "valid" : "invalid",
              errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", notes.c_str());
}

}  // namespace

int RunCheckConfig(const CommandLine& cl) {
  if (cl.keys) return RunCheckConfigKeys(cl);
  const config::Environment env = config::CurrentEnvironment();
  std::string path;
  std::string err;
  config::Diagnostics diagnostics;
  std::vector<config::NotActedOn> not_acted_on;
  if (!config::ResolveConfigPath(cl.config_path, env, &path, &err)) {
    diagnostics.push_back({config::Severity::kError, cl.config_path, {}, "", err, ""});
  } else {
    // The plugins' schemas as serve reads them (descriptors only: no init, no thread), so their
    // keys get the same diagnostics as the core's.
    plugin_host::PluginCatalog catalog(plugin_host::DefaultPluginDir());
    config::LoadOptions options;
    options.plugins = catalog.Provider();
    config::LoadResult loaded = config::LoadConfigFile(path, env, options);
    diagnostics = std::move(loaded.diagnostics);
    if (loaded.config) not_acted_on = config::NotActedOnKeys(*loaded.config);
  }
  const bool has_errors = HasErrors(diagnostics);
  const bool has_warnings = CountSeverity(diagnostics, config::Severity::kWarning) > 0;
  const bool valid = !has_errors && !(cl.strict && has_warnings);
  if (cl.json) {
    PrintJson(path.empty() ? cl.config_path : path, valid, diagnostics, not_acted_on);
  } else {
    PrintText(path.empty() ? cl.config_path : path, valid, diagnostics, not_acted_on);
  }
  return valid ? 0 : 1;
}

}  // namespace phpeek::cli
