// The loaded configuration as plain typed values. Nothing from yaml-cpp leaks past the loader:
// the rest of the core reads these structs, and plugins receive the `global:` block as JSON text.
// Field defaults are the documented defaults (../shared/spec/configuration.md).
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/config/diagnostic.h"
#include "core/config/run_as.h"

namespace phpeek::config {

using Millis = std::chrono::milliseconds;

enum class LogFormat { kJson, kText };
enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class RestartPolicy { kAlways, kOnFailure, kNever };
enum class ProcessType { kLongrun, kOneshot };
enum class InitialState { kRunning, kStopped };
enum class HealthCheckType { kTcp, kHttp, kExec };
enum class HealthCheckMode { kBoth, kLiveness, kReadiness };
enum class ReadinessMode { kAllHealthy, kAllRunning };
// When a dependency lets its dependent start (lifecycle.md, "Dependencies"): kReady for the list
// form; the map form's `condition` words for the others.
enum class DependencyCondition {
  kReady,                  // list form: ready (healthy where a readiness check decides), or a
                           // oneshot completed with exit 0
  kStarted,                // process_started: every instance spawned (the map form's default)
  kHealthy,                // process_healthy: ready, and healthy under any check mode
  kCompleted,              // process_completed: ended, whatever the exit code
  kCompletedSuccessfully,  // process_completed_successfully: ended with exit 0
};

enum class IsolationMode { kInProcess, kProcess };

// One entry of `global.plugin_isolation`: where the plugin named `plugin` runs (in_process: in the
// daemon; process: in a plugin-host helper process of its own, core/plugin_isolation/).
struct PluginIsolation {
  std::string plugin;
  IsolationMode mode = IsolationMode::kInProcess;
  SourcePos pos;  // of the plugin's name, for diagnostics
};

// A command is either an argv executed directly, or a string run by `/bin/sh -c`.
struct Command {
  std::vector<std::string> argv;  // for a shell command: {"/bin/sh", "-c", text}
  bool via_shell = false;
  SourcePos pos;
};

// A lifecycle hook (lifecycle.md "Hooks"): a command run to completion at a point of the
// daemon's or an instance's life.
struct Hook {
  std::string name;  // as written; else "<point>[<index>]" ("pre_stop_hook" for that key)
  Command command;
  Millis timeout{30000};  // per attempt; > 0
  int retry = 0;          // attempts after the first
  Millis retry_delay{0};
  bool continue_on_error = false;
  std::vector<std::pair<std::string, std::string>> env;  // laid over the hook's base environment
  std::string working_dir;                               // empty = the process's, else the daemon's
  SourcePos pos;
  std::string key_path;  // where it is written ("hooks.pre-start[0]"), for diagnostics
};

// The hooks of one lifecycle: global `hooks:` or a process's `hooks:` (whose pre_stop also holds
// `shutdown.pre_stop_hook`, last). Each list runs in order.
struct LifecycleHooks {
  std::vector<Hook> pre_start, post_start, pre_stop, post_stop;
  bool empty() const {
    return pre_start.empty() && post_start.empty() && pre_stop.empty() && post_stop.empty();
  }
};

// Probed per instance by core/health; `{instance_index}` in address, url and command is replaced by
// the instance's index.
struct HealthCheck {
  HealthCheckType type = HealthCheckType::kTcp;
  std::string address;         // tcp: host:port
  std::string url;             // http: http://host[:port]/path
  Command command;             // exec: exit 0 = pass
  Millis initial_delay{5000};  // no probe before it, counted from each spawn
  Millis period{10000};        // alias `interval`
  Millis timeout{3000};        // per probe
  int failure_threshold = 3;   // alias `retries`
  int success_threshold = 1;
  int expected_status = 200;
  HealthCheckMode mode = HealthCheckMode::kBoth;
  SourcePos pos;
};

// `php_fpm_status`: where the process's php-fpm pool answers its status page (pm.status_path) over
// FastCGI; the metrics plugin reads it on each scrape. `{instance_index}` in `address` is replaced
// by the instance's index (one pool per instance); without it the instances share one pool.
struct PhpFpmStatus {
  std::string address;           // "host:port" with a numeric host, or "unix:/absolute/path"
  std::string path = "/status";  // the pool's pm.status_path
  SourcePos pos;
  bool operator==(const PhpFpmStatus& o) const { return address == o.address && path == o.path; }
};

// One entry of a process's `listen:`: a TCP socket the daemon opens and holds for the process, so
// that it outlives each run (a restart queues connections instead of refusing them).
struct ListenAddress {
  std::string host;  // a numeric IPv4 or IPv6 address, IPv6 without brackets
  int port = 0;
  SourcePos pos;
  // As written in a configuration: "127.0.0.1:9000", "[::1]:9000".
  std::string Text() const;
  bool operator==(const ListenAddress& o) const { return host == o.host && port == o.port; }
};

struct ShutdownSpec {
  int signal = SIGTERM;
  Millis timeout{30000};
};

struct LoggingSpec;  // logging_spec.h

struct ProcessSpec {
  std::string name;
  SourcePos pos;
  bool enabled = true;
  Command command;
  ProcessType type = ProcessType::kLongrun;
  InitialState initial_state = InitialState::kRunning;
  int scale = 1;
  std::optional<int> max_scale;
  RestartPolicy restart = RestartPolicy::kAlways;  // resolved from global.restart_policy if unset
  Millis min_uptime{1000};                         // resolved from global.min_uptime if unset
  std::vector<std::string> depends_on;
  std::vector<SourcePos> depends_on_pos;  // position of each depends_on entry, for diagnostics
  std::vector<DependencyCondition> depends_on_condition;  // of each entry (kReady: list form)
  bool depends_on_map = false;               // written as a map: diagnostics name depends_on.<name>
  std::optional<Millis> dependency_timeout;  // unset (or 0 in the file): wait forever
  std::string working_dir;                   // empty = daemon's cwd
  std::string user;                          // as written; empty = unchanged
  std::string group;
  std::optional<RunAs> run_as;  // set when user or group is: the ids, resolved at load
  std::vector<std::pair<std::string, std::string>> env;  // in file order
  bool forward_stdout = true;
  bool forward_stderr = true;
  std::shared_ptr<const LoggingSpec> logging;  // null: no `logging:` block (the defaults)
  ShutdownSpec shutdown;
  LifecycleHooks hooks;  // `hooks:` and `shutdown.pre_stop_hook`
  std::optional<HealthCheck> health_check;
  std::vector<ListenAddress> listen;  // sockets held by the daemon, the child's fd 3, 4, ...
  std::optional<PhpFpmStatus> php_fpm_status;  // read by the metrics plugin, not the core
  bool critical = false;  // given up (failed): the daemon shuts down and exits 1
  // `reload_signal`: what a process reload sends each instance's main process (SIGUSR2 for
  // php-fpm, SIGHUP for nginx); unset: the process cannot be reloaded, only restarted.
  std::optional<int> reload_signal;
  // `forward_signals`: the daemon's own USR1, USR2, WINCH, ... passed on to each instance's main
  // process; empty (the default): none is.
  std::vector<int> forward_signals;
  // `config_test`: a command that checks the process's own configuration (`php-fpm8.2 -t`,
  // `nginx -t`), run before each spawn and before a restart, reload or configuration reload
  // touches running instances; a failure leaves them as they are. A Hook named "config_test".
  std::optional<Hook> config_test;
  std::string schedule;                     // 5-field cron; empty = supervised process
  std::string schedule_timezone = "Local";  // UTC, Local or an IANA zone (validated at load)
  std::optional<Millis> schedule_timeout;   // unset (or 0 in the file): no timeout
  int schedule_max_concurrent = 1;          // 0 = no limit
  std::vector<std::string> deferred_keys;   // parsed keys whose behaviour is not implemented yet
  std::vector<SourcePos> deferred_pos;      // where each deferred key is written
};

struct Readiness {
  bool enabled = false;
  std::string path = "/tmp/phpeek-ready";
  ReadinessMode mode = ReadinessMode::kAllHealthy;
  std::vector<std::string> processes;    // empty: every enabled longrun that starts at boot
  std::vector<SourcePos> processes_pos;  // position of each entry, for diagnostics
  std::optional<std::string> content;    // the file's text; unset: "ready\ntimestamp=<unix>\n"
};

struct GlobalSpec {
  Millis shutdown_timeout{30000};
  LogFormat log_format = LogFormat::kJson;
  LogLevel log_level = LogLevel::kInfo;
  RestartPolicy restart_policy = RestartPolicy::kAlways;
  int max_restart_attempts = 5;  // 0 = unlimited
  Millis restart_backoff_initial{1000};
  Millis restart_backoff_max{60000};
  Millis min_uptime{1000};  // a run at least this long was stable (the restart rule)
  int max_process_scale = 100;
  int64_t log_buffer_lines = 1000;                    // history kept per instance; 0: none
  int64_t log_buffer_bytes = 256 * 1024;              // per instance
  int64_t log_buffer_total_bytes = 64 * 1024 * 1024;  // all instances together
  int schedule_history_size = 100;                    // runs kept per scheduled job
  // The share of memory a php-fpm autotune profile plans for (core/autotune); 0: the profile's.
  double autotune_memory_threshold = 0;
  // Folders searched for plugins by name, in order, as written (relative to the configuration
  // file); the built-in folder is searched after them (core/plugin_host/plugin_list.h).
  std::vector<std::string> plugin_dirs;
  bool plugin_dir_is_list = false;  // written as a list (else one folder, or none)
  std::vector<std::string> plugins;
  // The switches that load the first-party plugins. Their other keys (api_port, metrics_path,
  // dashboard_port, ...) belong to those plugins, which declare them (core/config/key_schema.h).
  bool api_enabled = true;
  bool metrics_enabled = false;
  bool dashboard_enabled = false;
  std::vector<PluginIsolation> plugin_isolation;  // in file order
  Readiness readiness;
  std::vector<std::string> deferred_keys;  // set keys whose behaviour is not implemented yet
  std::vector<SourcePos> deferred_pos;     // where each is written (0:0 from the environment)
};

struct Config {
  std::string source_path;
  std::string version;
  GlobalSpec global;
  LifecycleHooks hooks;
  std::vector<ProcessSpec> processes;  // in file order
  // The `global:` block in the normal form of plugin_abi.h (config_json.h): what plugins get.
  std::string global_json;

  const ProcessSpec* FindProcess(const std::string& name) const;
};

// Canonical names used in JSON, logs and messages.
const char* ToString(RestartPolicy v);
const char* ToString(ProcessType v);
const char* ToString(LogLevel v);
const char* ToString(LogFormat v);
const char* ToString(DependencyCondition v);  // "ready" for the list form, else the map's word

}  // namespace phpeek::config
