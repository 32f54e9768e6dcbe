// `phpeek-pm serve`: load the configuration, set up logging, then hand over to the supervisor.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "core/cli/commands.h"
#include "core/cli/fpm_autotune_step.h"
#include "core/config/loader.h"
#include "core/config/not_acted_on.h"
#include "core/crash/crash_handler.h"
#include "core/health/readiness_file.h"
#include "core/log/log.h"
#include "core/plugin_host/plugin_catalog.h"
#include "core/plugin_host/plugin_host.h"
#include "core/plugin_host/plugin_list.h"
#include "core/plugin_isolation/isolation_factory.h"
#include "core/supervisor/supervisor.h"
#include "core/systemd/readiness_notifier.h"

namespace phpeek::cli {
namespace {

// The daemon's own CPU over its run, all its threads, its children not (as systemd's "Consumed"
// line): what a user compares with its peers, and what the benchmarks read at exit.
int64_t OwnCpuMicros() {
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  const auto us = [](const timeval& t) { return int64_t{t.tv_sec} * 1000000 + t.tv_usec; };
  return us(self.ru_utime) + us(self.ru_stime);
}

log::Level ToLogLevel(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::kDebug:
      return log::Level::kDebug;
    case config::LogLevel::kInfo:
      return log::Level::kInfo;
    case config::LogLevel::kWarn:
      return log::Level::kWarn;
    case config::LogLevel::kError:
      return log::Level::kError;
  }
  return log::Level::kInfo;
}

void LogDiagnostics(const config::Diagnostics& diagnostics) {
  for (const auto& d : diagnostics) {
    const log::Level level =
        d.severity == config::Severity::kError ? log::Level::kError : log::Level::kWarn;
    if (d.hint.empty()) {  // no empty hint="" field on every line
      log::Write(
          level, d.message,
          {{"file", d.file}, {"line", d.pos.line}, {"column", d.pos.column}, {"key", d.key_path}});
      continue;
    }
    log::Write(level, d.message,
               {{"file", d.file},
                {"line", d.pos.line},
                {"column", d.pos.column},
                {"key", d.key_path},
                {"hint", d.hint}});
  }
}

// Keys that are parsed and validated but whose behaviour is not built yet: say so once each, with
// their place (check-config lists the same).
void WarnDeferredKeys(const config::Config& config) {
  for (const auto& k : config::NotActedOnKeys(config)) {
    log::Warn("configuration key is not acted on yet", {{"key", k.key_path},
                                                        {"file", config.source_path},
                                                        {"line", k.pos.line},
                                                        {"column", k.pos.column}});
  }
}

void ApplyLogSettings(const config::GlobalSpec& global) {
  log::Configure(
      global.log_format == config::LogFormat::kJson ? log::Format::kJson : log::Format::kText,
      ToLogLevel(global.log_level));
}

// After a reload (supervisor loop thread): log_level and log_format apply at once; the keys read
// only at start-up say so.
void OnReloadApplied(const config::Config& before, const config::Config& after) {
  ApplyLogSettings(after.global);
  const config::GlobalSpec& a = before.global;
  const config::GlobalSpec& b = after.global;
  const auto& ra = a.readiness;
  const auto& rb = b.readiness;
  const std::pair<const char*, bool> start_only[] = {
      {"plugins", a.plugins == b.plugins},
      {"plugin_dir", a.plugin_dirs == b.plugin_dirs},
      {"api_enabled", a.api_enabled == b.api_enabled},
      {"metrics_enabled", a.metrics_enabled == b.metrics_enabled},
      {"dashboard_enabled", a.dashboard_enabled == b.dashboard_enabled},
      {"autotune_memory_threshold", a.autotune_memory_threshold == b.autotune_memory_threshold},
      {"readiness", ra.enabled == rb.enabled && ra.path == rb.path && ra.mode == rb.mode &&
                        ra.processes == rb.processes && ra.content == rb.content},
  };
  for (const auto& [key, same] : start_only) {
    if (!same) {
      log::Warn("configuration key changed by reload takes effect only after a daemon restart",
                {{"key", std::string("global.") + key}});
    }
  }
}

// Reads the file again as at start-up (same path and environment, the plugins' schemas), logging
// every diagnostic. Runs on the supervisor's reload thread.
config::LoadResult ReloadFile(const std::string& path, const config::Environment& env) {
  plugin_host::PluginCatalog catalog(plugin_host::DefaultPluginDir());
  config::LoadOptions options;
  options.plugins = catalog.Provider();
  config::LoadResult result = config::LoadConfigFile(path, env, options);
  config::PromoteUnknownKeys(&result);
  LogDiagnostics(result.diagnostics);
  return result;
}

void PrintPlan(const config::Config& config) {
  std::printf("configuration %s is valid; %zu process(es):\n", config.source_path.c_str(),
              config.processes.size());
  for (const auto& p : config.processes) {
    const std::string job =
        p.schedule.empty() ? "" : " schedule=\"" + p.schedule + "\" (" + p.schedule_timezone + ")";
    std::printf("  %-24s scale=%d restart=%s type=%s%s%s\n", p.name.c_str(), p.scale,
                config::ToString(p.restart), config::ToString(p.type), job.c_str(),
                p.enabled ? "" : " (disabled)");
  }
}

}  // namespace

int RunServe(const CommandLine& cl) {
  // Before anything can start a thread: every later thread inherits the blocked set.
  Supervisor::BlockSignals();
  const config::Environment env = config::CurrentEnvironment();
  std::string path;
  std::string err;
  if (!config::ResolveConfigPath(cl.config_path, env, &path, &err)) {
    log::Error(err);
    return 1;
  }
  // The plugins are opened (not started) while the file is read: the keys they declare are
  // checked with the core's, as check-config does.
  plugin_host::PluginCatalog catalog(plugin_host::DefaultPluginDir());
  config::LoadOptions options;
  options.plugins = catalog.Provider();
  config::LoadResult result = config::LoadConfigFile(path, env, options);
  const int64_t loaded_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  if (result.config) ApplyLogSettings(result.config->global);
  LogDiagnostics(result.diagnostics);
  if (!result.config) {
    log::Error("configuration is invalid", {{"file", path}});
    return 1;
  }
  // Shared with the supervisor, which replaces it at a reload; this one stays for what reads the
  // start-up configuration only (readiness, crash handler, plugin lifecycle).
  const auto loaded = std::make_shared<const config::Config>(std::move(*result.config));
  const config::Config& config = *loaded;
  // Before anything starts: every child, and every hook, gets the PHP_FPM_* variables.
  if (!ApplyFpmAutotune(cl, env, config.global.autotune_memory_threshold)) return 1;
  // Before any plugin is initialised or process started: no child may outlive a crash of the
  // daemon. (The plugins were opened, not initialised, while the file was read.)
  crash::InstallCrashHandler(
      {config.global.shutdown_timeout, config.global.log_format == config::LogFormat::kJson});
  plugin_host::LifecycleOptions lifecycle;
  lifecycle.shutdown_timeout = config.global.shutdown_timeout;
  plugin_host::PluginHost plugins(catalog.TakeLoaded(), config.global_json, lifecycle,
                                  plugin_isolation::MakeFactory(config.global));
  if (cl.dry_run) {
    PrintPlan(config);
    return 0;
  }
  WarnDeferredKeys(config);
  log::Info("phpeek-pm starting", {{"version", PHPEEK_VERSION}, {"config", path}});
  systemd::ReadinessNotifier readiness(config);  // outlives the supervisor; no-op outside systemd
  health::ReadinessFile readiness_file(config.global.readiness);  // no-op unless enabled
  Supervisor supervisor(loaded);
  supervisor.EnableReload({[path, env] { return ReloadFile(path, env); }, &OnReloadApplied},
                          loaded_at_ms);
  supervisor.AddListener(&readiness_file);  // first: the file exists before READY=1 goes out
  supervisor.AddListener(&readiness);
  if (const auto every = readiness.watchdog_interval(); every.count() > 0) {
    supervisor.AddTicker(every, [&readiness] { readiness.PingWatchdog(); });
  }
  if (!plugins.Start(&supervisor)) {  // before Run: no process has started
    log::Error("a required plugin failed to start; not starting", {{"file", path}});
    return 1;
  }
  readiness.Begin();
  int code = supervisor.Run();
  readiness.End();
  // After every process is down, reverse load order, by the same shutdown deadline.
  const bool plugins_stopped = plugins.Stop();
  code = plugins_stopped || code != 0 ? code : 1;
  log::Info("phpeek-pm stopped", {{"exit_code", code}, {"cpu_time_us", OwnCpuMicros()}});
  log::Flush();
  if (!plugins_stopped) {
    // An abandoned plugin's thread still runs in its library: static destructors must not run
    // under its feet, so leave without them (the log is written first).
    log::FlushAndWait(std::chrono::seconds(1), std::chrono::seconds(3));
    std::_Exit(code);
  }
  return code;
}

}  // namespace phpeek::cli
