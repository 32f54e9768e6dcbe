// The process table as the metrics plugin sees it: the host's process_list JSON snapshot
// ({"schema":1,"processes":[...]}, see plugin_abi.h) decoded into plain structs with the SDK's
// JSON reader.
//
// Unknown keys are ignored and absent, null or mistyped optional keys stay unset, as the ABI's
// JSON rules require; a document that is not a process list at all is an error.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::metrics {

// An instance's health check as the host reports it (ABI 1.1 "health_check"); counts are over the
// instance's life.
struct HealthCheckSnapshot {
  std::string health;  // unknown, healthy, unhealthy
  std::string type;    // tcp, http, exec
  int64_t consecutive_failures = 0;
  int64_t passed = 0;
  int64_t failed = 0;
  double duration_sum = 0;                          // seconds
  std::vector<std::pair<double, int64_t>> buckets;  // (upper bound in s, cumulative count)
};

struct InstanceSnapshot {
  std::string id;     // "<name>-<index>"
  std::string state;  // starting, running, suspended, backoff, stopping, stopped, failed, completed
  pid_t pid = 0;      // 0 when no process is alive; also its process group id
  std::optional<double> started_at;  // unix seconds of the current (or last) spawn
  std::optional<int64_t> last_exit_code;
  std::optional<int64_t> last_signal;
  int64_t restart_count = 0;
  std::optional<HealthCheckSnapshot> health_check;  // unset when the process has no check
};

// A scheduled job's members of the list (host ABI 1.1; "type":"scheduled").
struct JobSnapshot {
  std::optional<double> next_run;  // unix seconds; unset while paused
  std::optional<double> last_run;  // start of the latest run
  std::optional<int64_t> last_duration_ms;
  // Finished runs by result, in the order of kJobResults.
  std::array<int64_t, 4> results{};
};

// The label values of phpeek_pm_scheduled_runs_total{result}, in JobSnapshot::results order.
inline constexpr std::array<const char*, 4> kJobResults = {"success", "failure", "timeout",
                                                           "skipped"};

// Where the process's php-fpm pool answers its status page (the host's "php_fpm_status", as
// configured: `{instance_index}` not yet replaced).
struct FpmStatusConfig {
  std::string address;  // "host:port" or "unix:/path"
  std::string path;     // pm.status_path
};

struct ProcessSnapshot {
  std::string name;
  std::string state;
  int64_t scale = 0;  // desired number of instances
  std::vector<InstanceSnapshot> instances;
  std::optional<JobSnapshot> job;                 // set for a scheduled job
  std::optional<FpmStatusConfig> php_fpm_status;  // set when the process has the key
};

// Decodes a process_list document. Returns false and sets *err when it is not valid JSON or not
// shaped like a process list.
bool ParseProcessList(std::string_view json, std::vector<ProcessSnapshot>* out, std::string* err);

using ProcessList = std::shared_ptr<const std::vector<ProcessSnapshot>>;

// The process list of the latest scrape, decoded again only when the host's text differs: the
// host writes it anew only when something changed, so in a steady state a scrape costs a
// comparison instead of a decode (which the profile of a 500-instance scrape put at a tenth of
// the plugin's CPU). Thread-safe.
class ProcessListDecoder {
 public:
  // Like ParseProcessList; the result is shared with later calls for the same text.
  bool Decode(const std::string& json, ProcessList* out, std::string* err);

 private:
  std::mutex mu_;
  std::string json_;     // guarded by mu_
  ProcessList decoded_;  // of json_; guarded by mu_
};

}  // namespace phpeek::metrics
