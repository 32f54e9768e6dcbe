// `phpeek-pm check-config`: every problem of a configuration file, as text or as one JSON document,
// the keys of the plugins it loads included.
#include <cstdio>
#include <string>

#include "core/cli/commands.h"
#include "core/config/loader.h"
#include "core/json/json_writer.h"
#include "core/plugin_host/plugin_catalog.h"
#include "core/plugin_host/plugin_list.h"

namespace phpeek::cli {
namespace {

void PrintJson(const std::string& path, bool valid, const config::Diagnostics& diagnostics) {
  json::Writer w;
  w.BeginObject().Key("file").String(path).Key("valid").Bool(valid);
  w.Key("errors").Int(static_cast<int64_t>(CountSeverity(diagnostics, config::Severity::kError)));
  w.Key("warnings")
      .Int(static_cast<int64_t>(CountSeverity(diagnostics, config::Severity::kWarning)));
  w.Key("diagnostics").BeginArray();
  for (const auto& d : diagnostics) w.Raw(config::FormatJson(d));
  w.EndArray().EndObject();
  std::printf("%s\n", w.str().c_str());
}

void PrintText(const std::string& path, bool valid, const config::Diagnostics& diagnostics) {
  for (const auto& d : diagnostics) std::fprintf(stderr, "%s\n", config::FormatText(d).c_str());
  const size_t errors = CountSeverity(diagnostics, config::Severity::kError);
  const size_t warnings = CountSeverity(diagnostics, config::Severity::kWarning);
  std::printf("%s: %s (%zu error%s, %zu warning%s)\n", path.c_str(), valid ? "valid" : "invalid",
              errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
}

}  // namespace

int RunCheckConfig(const CommandLine& cl) {
  if (cl.keys) return RunCheckConfigKeys(cl);
  const config::Environment env = config::CurrentEnvironment();
  std::string path;
  std::string err;
  config::Diagnostics diagnostics;
  if (!config::ResolveConfigPath(cl.config_path, env, &path, &err)) {
    diagnostics.push_back({config::Severity::kError, cl.config_path, {}, "", err, ""});
  } else {
    // The plugins' schemas as serve reads them (descriptors only: no init, no thread), so their
    // keys get the same diagnostics as the core's.
    plugin_host::PluginCatalog catalog(plugin_host::DefaultPluginDir());
    config::LoadOptions options;
    options.plugins = catalog.Provider();
    diagnostics = config::LoadConfigFile(path, env, options).diagnostics;
  }
  const bool has_errors = HasErrors(diagnostics);
  const bool has_warnings = CountSeverity(diagnostics, config::Severity::kWarning) > 0;
  const bool valid = !has_errors && !(cl.strict && has_warnings);
  if (cl.json) {
    PrintJson(path.empty() ? cl.config_path : path, valid, diagnostics);
  } else {
    PrintText(path.empty() ? cl.config_path : path, valid, diagnostics);
  }
  return valid ? 0 : 1;
}

}  // namespace phpeek::cli
