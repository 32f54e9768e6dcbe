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

// A command is either an argv executed directly, or a string run by `/bin/sh -c`.
struct Command {
  std::vector<std::string> argv;  // for a shell command: {"/bin/sh", "-c", text}
  bool via_shell = false;
  SourcePos pos;
};

struct Hook {
  std::string name;
  Command command;
  Millis timeout{30000};
  int retry = 0;
  bool continue_on_error = false;
  SourcePos pos;
};

struct HealthCheck {
  HealthCheckType type = HealthCheckType::kTcp;
  std::string address;  // tcp: host:port
  std::string url;      // http
  Command command;      // exec
  Millis initial_delay{0};
  Millis period{10000};
  Millis timeout{5000};
  int failure_threshold = 3;
  int success_threshold = 1;
  int expected_status = 200;
  HealthCheckMode mode = HealthCheckMode::kBoth;
  SourcePos pos;
};

struct ShutdownSpec {
  int signal = SIGTERM;
  Millis timeout{30000};
  std::optional<Hook> pre_stop_hook;
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
  std::string working_dir;                // empty = daemon's cwd
  std::string user;                       // as written; empty = unchanged
  std::string group;
  std::optional<RunAs> run_as;  // set when user or group is: the ids, resolved at load
  std::vector<std::pair<std::string, std::string>> env;  // in file order
  bool forward_stdout = true;
  bool forward_stderr = true;
  std::shared_ptr<const LoggingSpec> logging;  // null: no `logging:` block (the defaults)
  ShutdownSpec shutdown;
  std::optional<HealthCheck> health_check;
  std::string schedule;  // 5-field cron; empty = supervised process
  std::string schedule_timezone = "Local";  // UTC, Local or an IANA zone (validated at load)
  std::optional<Millis> schedule_timeout;   // unset (or 0 in the file): no timeout
  int schedule_max_concurrent = 1;          // 0 = no limit
  std::vector<std::string> deferred_keys;  // parsed keys whose behaviour is not implemented yet
};

struct Readiness {
  bool enabled = false;
  std::string path = "/tmp/phpeek-ready";
  ReadinessMode mode = ReadinessMode::kAllHealthy;
  std::vector<std::string> processes;
  std::vector<SourcePos> processes_pos;  // position of each entry, for diagnostics
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
  int schedule_history_size = 100;  // runs kept per scheduled job
  std::string plugin_dir;  // empty = next to the executable (../lib/phpeek-pm/plugins)
  std::vector<std::string> plugins;
  bool api_enabled = true;
  std::string api_host = "127.0.0.1";
  int api_port = 9180;
  std::string api_socket;
  std::optional<std::string> api_auth;
  int64_t api_max_request_body = 65536;
  bool metrics_enabled = false;
  std::string metrics_host = "127.0.0.1";
  int metrics_port = 9090;
  std::string metrics_path = "/metrics";
  Readiness readiness;
  std::vector<std::string> deferred_keys;  // set keys whose behaviour is not implemented yet
};

struct LifecycleHooks {
  std::vector<Hook> pre_start, post_start, pre_stop, post_stop;
};

// A `global:` key that no core owner knows. It is only a problem if no loaded plugin declares it
// (see ReportUnknownGlobalKeys), so the loader keeps it aside instead of reporting it at once.
struct UnknownGlobalKey {
  std::string key;
  SourcePos pos;
  std::string closest_known;  // empty when nothing is close
  std::string env_var;        // set when the key came from a PHPEEK_PM_GLOBAL_* variable
};

struct Config {
  std::string source_path;
  std::string version;
  GlobalSpec global;
  LifecycleHooks hooks;
  bool has_hooks = false;
  std::vector<ProcessSpec> processes;  // in file order
  std::string global_json;             // the `global:` block after substitution and overrides
  std::vector<UnknownGlobalKey> unknown_global_keys;

  const ProcessSpec* FindProcess(const std::string& name) const;
};

// Warnings for unknown global keys, leaving out those that a loaded plugin declares it reads.
Diagnostics ReportUnknownGlobalKeys(const Config& config,
                                    const std::vector<std::string>& plugin_keys);
// The same for keys of a file that did not load (LoadResult::unknown_global_keys).
Diagnostics ReportUnknownGlobalKeys(const std::string& file,
                                    const std::vector<UnknownGlobalKey>& keys,
                                    const std::vector<std::string>& plugin_keys);

// Canonical names used in JSON, logs and messages.
const char* ToString(RestartPolicy v);
const char* ToString(ProcessType v);
const char* ToString(LogLevel v);
const char* ToString(LogFormat v);

}  // namespace phpeek::config
