// Readers for each section of phpeek-pm.yaml, from the plain Node tree into the typed structs of
// config.h. Each records its problems through the Reader and leaves defaults where a value is bad.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/config/config.h"
#include "core/config/document.h"
#include "core/config/key_schema.h"
#include "core/config/reader.h"

namespace phpeek::config {

// command.cc: a list (argv) or a string (run by /bin/sh -c).
void ReadCommand(Reader& r, const Node& node, const std::string& path, Command* out);

// env_section.cc: an `env:` map (of a process or a hook).
void ReadEnv(Reader& r, const Node& node, const std::string& path,
             std::vector<std::pair<std::string, std::string>>* out);

// hooks_section.cc: one hook object, and a `hooks:` block (the top-level one or a process's).
void ReadHook(Reader& r, const Node& node, const std::string& path, Hook* out);
void ReadLifecycleHooks(Reader& r, const Node& node, const std::string& path, LifecycleHooks* out);

// health_check_section.cc
void ReadHealthCheck(Reader& r, const Node& node, const std::string& path, HealthCheck* out);

// depends_on_section.cc: `depends_on` as a list (ready) or a map of conditions.
void ReadDependsOn(Reader& r, const Node& node, const std::string& path, ProcessSpec* out);

// listen_section.cc: a process's `listen:` list of numeric host:port addresses.
void ReadListen(Reader& r, const Node& node, const std::string& path,
                std::vector<ListenAddress>* out);

// php_fpm_status_section.cc: a process's `php_fpm_status:` block {address, path}.
void ReadPhpFpmStatus(Reader& r, const Node& node, const std::string& path, PhpFpmStatus* out);

// global_section.cc: the `global:` block. Keys the core does not own go to `leftover` (entries
// of `node`, in file order) for the plugins' schemas (plugin_keys.h) instead of being reported.
void ReadGlobal(Reader& r, const Node& node, GlobalSpec* out,
                std::vector<const MapEntry*>* leftover);
// The global keys the core owns (api_enabled, metrics_enabled and dashboard_enabled among them:
// they load plugins).
const std::vector<std::string>& KnownGlobalKeys();
// `global.plugin_isolation` (plugin_isolation_section.cc).
void ReadPluginIsolation(Reader& r, const Node& node, const std::string& path,
                         std::vector<PluginIsolation>* out);
// Warns about plugin_isolation entries that name no plugin the configuration loads.
void CheckPluginIsolation(Reader& r, const GlobalSpec& global, const PluginSchemas& schemas);
// A PHPeek PM key the core reads only to warn about (log_timestamps, ...): plugins get it as
// written.
bool IsGlobalCompatKey(const std::string& key);

// process_section.cc: one entry of `processes:`.
void ReadProcess(Reader& r, const MapEntry& entry, const GlobalSpec& global, ProcessSpec* out);

}  // namespace phpeek::config
