// Loading phpeek-pm.yaml: file lookup, `${VAR}` substitution, PHPEEK_PM_GLOBAL_* overrides, typing
// and validation. Every problem found is returned as a Diagnostic; the load succeeds when none of
// them is an error.
//
// Policy (what is an error and what is a warning):
// - Errors: YAML syntax, wrong types or values, unset `${VAR}` without default, duplicate keys or
//   process names, bad names, missing `command`, depends_on cycles and unknown dependencies, scale
//   above max_scale or above 10000 (global.max_process_scale bounds API scaling only, not the
//   file), user/group ids out of range or unknown names, no `processes:` key at all, a `logging:`
//   pattern RE2 refuses, a `logging.stdout`/`stderr` contradicting the process-level key, files
//   that are not YAML text (empty, a directory, binary, invalid UTF-8, over 1 MiB), text after
//   the document's top-level value. Scheduled jobs: a bad or never-firing cron expression, an
//   unknown schedule_timezone, scale other than 1. Health checks: a missing or bad address, url
//   or command for the type, a zero period, timeout or threshold, an alias set beside its key.
//   Hooks: a hook without command, a zero timeout. global.readiness.processes naming no process.
//   depends_on: an unknown condition of the map form, a depends_on neither list nor map (cycles
//   and unknown names through either form, as above).
// - Warnings: unknown keys (with the closest known key), keys of the original PHPeek PM that we
//   do not act on (heartbeat, shutdown.graceful, global health_check_interval and
//   log_timestamps), `processes: {}` (explicitly empty: the daemon idles, like supervisord with
//   no programs), programs not found on PATH, a dependency on a disabled process, max_scale above
//   the global cap, schedule_* keys without schedule, process_healthy on a longrun without
//   health_check, process_completed(_successfully) on a longrun with restart: always.
// - Neither: keys not acted on yet (ProcessSpec/GlobalSpec deferred_keys, with their positions;
//   not_acted_on.h) are listed by check-config and the daemon's start-up log, not diagnosed.
// - global `restart_backoff` (PHPeek PM) is read as restart_backoff_initial, with a warning, unless
//   restart_backoff_initial is set too.
// - `global:` keys the core does not own go to the plugins' schemas (LoadOptions::plugins; see
//   plugin_keys.h): a plugin that cannot be loaded, a bad value of a declared key and what a
//   plugin's own check reports are errors or warnings like the core's, in the same list; a key no
//   plugin declares is a warning. Without a provider, every such key is unknown.
// - `<<` merge keys are expanded; only the first YAML document is read (warning if there are more).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/config/diagnostic.h"
#include "core/config/key_schema.h"
#include "core/config/reader.h"

namespace phpeek::config {

using Environment = std::map<std::string, std::string>;

// A snapshot of the process environment (environ).
Environment CurrentEnvironment();

// --config FILE, else $PHPEEK_PM_CONFIG, else the first existing of /etc/phpeek-pm/phpeek-pm.yaml
// and ./phpeek-pm.yaml. Returns false with a message naming what was tried when none exists.
bool ResolveConfigPath(const std::string& cli_path, const Environment& env, std::string* path,
                       std::string* err);
// The same with the default locations given (tests); DefaultConfigPaths() is the real list.
bool ResolveConfigPath(const std::string& cli_path, const Environment& env,
                       const std::vector<std::string>& defaults, std::string* path,
                       std::string* err);
const std::vector<std::string>& DefaultConfigPaths();

struct LoadResult {
  std::optional<Config> config;  // set when there is no error-level diagnostic
  Diagnostics diagnostics;       // warnings and errors, in file order
};

struct LoadOptions {
  // Check that each command's program exists on PATH: a warning at check time; the spawner
  // reports it as an error when it runs.
  bool check_programs = true;
  // The plugins the configuration loads and their key schemas (core/plugin_host/plugin_catalog.h
  // in the daemon); unset: no plugin, every `global:` key the core does not own is unknown.
  SchemaProvider plugins{};
  // Told every map the load walks (key_table.h); unset in a normal load.
  MapObserver map_observer{};
};

// At a reload: every unknown key becomes an error ("unknown key 'comand' ..."), and the load fails
// when there is one, so that a typo is reported instead of being put in force.
void PromoteUnknownKeys(LoadResult* result);

LoadResult LoadConfigFile(const std::string& path, const Environment& env,
                          const LoadOptions& options = {});
// `display_name` is used as the file name in diagnostics.
LoadResult LoadConfigText(const std::string& text, const std::string& display_name,
                          const Environment& env, const LoadOptions& options = {});

}  // namespace phpeek::config
