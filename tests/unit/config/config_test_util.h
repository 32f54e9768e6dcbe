// Shared fixture for the configuration tests: writes real YAML files to a temporary directory and
// loads them through the public loader API, with the schemas of the first-party plugins of this
// build (rest-api and metrics own the api_* and metrics_* keys), as the daemon loads them.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/config/loader.h"
#include "core/json/json_pointer.h"
#include "core/plugin_host/plugin_catalog.h"
#include "tests/support/test_support.h"

namespace phpeek::config {

// All diagnostics, one per line, for failure messages.
inline std::string Dump(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += FormatText(d) + "\n";
  return out;
}

// The first diagnostic for `key_path`, or nullptr.
inline const Diagnostic* FindDiag(const Diagnostics& diagnostics, const std::string& key_path) {
  for (const auto& d : diagnostics) {
    if (d.key_path == key_path) return &d;
  }
  return nullptr;
}

// The value of a top-level `global:` key in the normal form handed to plugins (JSON text), or
// "<absent>".
inline std::string GlobalValue(const Config& config, const std::string& key) {
  const json::Lookup found = json::FindPointer(config.global_json, "/" + key);
  return found.status == json::LookupStatus::kFound ? std::string(found.value) : "<absent>";
}

class ConfigTest : public ::testing::Test {
 protected:
  // Loads `yaml` from a real file; program checks are off unless asked for.
  LoadResult Load(const std::string& yaml, const Environment& env = {},
                  bool check_programs = false) {
    path_ = dir_.Write("phpeek-pm.yaml", yaml);
    LoadOptions options;
    options.check_programs = check_programs;
    options.plugins = catalog_.Provider();
    return LoadConfigFile(path_, env, options);
  }

  // Loads a file with `process_body` as the body of process "web" (indented by 4 spaces) and
  // expects it to succeed.
  ProcessSpec LoadProcess(const std::string& process_body, const Environment& env = {}) {
    const LoadResult r = Load("processes:\n  web:\n" + process_body, env);
    EXPECT_TRUE(r.config.has_value()) << Dump(r.diagnostics);
    if (!r.config || r.config->processes.empty()) return {};
    return r.config->processes[0];
  }

  // Expects exactly one error, at `key_path`, and returns it.
  Diagnostic ExpectOneError(const LoadResult& r, const std::string& key_path) {
    EXPECT_FALSE(r.config.has_value());
    EXPECT_EQ(CountSeverity(r.diagnostics, Severity::kError), 1u) << Dump(r.diagnostics);
    const Diagnostic* d = FindDiag(r.diagnostics, key_path);
    EXPECT_NE(d, nullptr) << "no diagnostic for " << key_path << " in\n" << Dump(r.diagnostics);
    return d ? *d : Diagnostic{};
  }

  testing::TempDir dir_;
  std::string path_;
  plugin_host::PluginCatalog catalog_{PHPEEK_PLUGIN_DIR};
};

}  // namespace phpeek::config
