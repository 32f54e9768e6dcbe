// Control is how everything outside the supervisor loop (plugins, through the plugin host) drives
// and observes it. Every method is thread-safe. Commands are validated at once against the loaded
// configuration, then queued into the loop and applied there in arrival order; the caller learns
// the outcome from snapshots and events. Only the scheduled-job calls wait, bounded by the
// caller's timeout: ControlJob for the loop's answer, WaitForRun for a run's end.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/reload/reload_result.h"
#include "core/schedule/run_history.h"

namespace phpeek {
namespace schedule {
class ScheduledJob;
}
namespace process_logs {
class LogHistory;
}

// kReload sends the process's reload_signal to each running instance's main process; kSignal
// sends `arg` (a signal number) to each instance's main process, kSignalGroup to its group.
enum class ControlOp { kStart, kStop, kRestart, kScale, kReload, kSignal, kSignalGroup };

enum class ControlResult {
  kAccepted,         // queued; applied asynchronously
  kInvalidArgument,  // e.g. scale outside 0..min(max_scale, max_process_scale)
  kNotFound,         // no process of that name
  kStopping,         // the daemon is shutting down and takes no more commands
  kState,            // does not fit the process: e.g. scale of a scheduled job, a trigger while
                     // schedule_max_concurrent runs are active, reload without reload_signal
  kTimeout,          // the loop did not answer within the wait
};

// An instance's health check, when its process has one (lifecycle.md, "Health checks").
struct HealthStatus {
  std::string health;  // unknown healthy unhealthy
  std::string type;    // tcp http exec
  std::string mode;    // both liveness readiness
  int consecutive_failures = 0;
  uint64_t passed = 0;  // attempts over the instance's life (kept over restarts)
  uint64_t failed = 0;
  double duration_sum = 0;  // seconds, all attempts
  // Cumulative attempt counts at the bounds of health::CheckStats::kBuckets.
  std::vector<uint64_t> duration_buckets;
  std::string last_failure;  // why the latest failed attempt failed
};

// Where a process's php-fpm pool serves its status page (config::PhpFpmStatus, without the core's
// config types in this header).
struct FpmStatusTarget {
  std::string address;
  std::string path;
};

// Field names and state words follow the Management API (management-api.md).
struct InstanceStatus {
  std::string id;          // "<name>-<index>"
  std::string state;       // starting running suspended backoff stopping stopped failed completed
  int pid = 0;             // 0 when not running
  int64_t started_at = 0;  // Unix seconds of the current (or last) spawn; 0 if never
  uint32_t restart_count = 0;
  uint32_t reloads = 0;     // reload signals sent to this instance (process reloads), ever
  int last_exit_code = -1;  // -1 when it has not exited yet or was killed by a signal
  int last_signal = 0;      // signal that ended the last run, 0 if none
  // Running, and healthy where a readiness check decides (mode both or readiness).
  bool ready = false;
  std::optional<HealthStatus> health;  // unset when the process has no health check
  std::string reason;  // why it is failed or backing off when a hook or the spawn says; or ""
};

struct ProcessStatus {
  std::string name;
  std::string type;   // longrun oneshot (a scheduled job says so through `job`)
  std::string state;  // running starting blocked degraded stopping stopped failed completed
  int scale = 0;      // desired number of instances
  // A longrun: every desired instance (at least one) ready; a oneshot: completed with exit 0.
  bool ready = false;
  // Instances wait to spawn for these dependencies (depends_on), config order; else empty.
  std::vector<std::string> waiting_for;
  // Why a dependency can no longer let them spawn (state "blocked"; so are the waiting
  // instances), or why dependency_timeout passed; else "".
  std::string reason;
  std::vector<InstanceStatus> instances;
  // Set for a scheduled job (a process with `schedule`): a read-only copy of its bookkeeping made
  // by the loop for this snapshot, for its JSON (core/schedule/job_json.h). A job has no
  // instances: its runs are listed there. `state` is "running" while a run is active, else
  // "stopped".
  std::shared_ptr<const schedule::ScheduledJob> job;
  // `php_fpm_status` as configured (address as written, `{instance_index}` included), for the
  // metrics plugin; unset when the process has none.
  std::optional<FpmStatusTarget> php_fpm_status;
  // Set when the process has a config_test: how many have run ahead of a restart, reload or
  // configuration reload, and why the last one failed ("" after a pass).
  struct ConfigTest {
    uint32_t runs = 0;
    std::string error;
  };
  std::optional<ConfigTest> config_test;
};

// The daemon's readiness (global.readiness, GET /api/v1/ready) and what makes it unhealthy.
struct ReadinessStatus {
  bool ready = false;
  std::vector<std::string> waiting;  // tracked processes that are not ready, config order
  std::vector<std::string> failed;   // processes with a given-up instance, config order
};

enum class EventType {
  kStateChanged,
  kSpawned,
  kExited,
  kConfigReloaded,
  kShuttingDown,
  kHealthChanged,      // an instance's health check changed its health
  kReadinessChanged,   // the daemon became ready or stopped being ready (not sent to plugins)
  kHookFinished,       // a lifecycle hook ended
  kJobRunStarted,      // a scheduled job's run was spawned (pid set)
  kJobRunFinished,     // a run ended, or a tick was skipped (run_result "skipped")
  kDependencyBlocked,  // a process's waiting instances can no longer start (reason, dependency)
};

struct Event {
  EventType type = EventType::kStateChanged;
  uint64_t seq = 0;  // strictly increasing over the daemon's life
  int64_t unix_ms = 0;
  std::string process;   // empty for daemon-wide events
  std::string instance;  // empty for process-level events
  int pid = 0;
  int exit_code = -1;
  int signal = 0;
  std::string old_state;  // kStateChanged: instance state (or process state when instance empty);
  std::string new_state;  // kHealthChanged: health words; kReadinessChanged: "not ready", "ready"
  // kHealthChanged: the check, why it last failed, and whether the instance is restarted for it;
  // kDependencyBlocked: `reason` says why, `dependency` names the one that blocks.
  std::string check_type;
  std::string check_mode;
  std::string reason;
  bool restart = false;
  bool ready = false;  // kHealthChanged: the instance's readiness after the change
  // kExited: how the run ended when the supervisor ended it ("health_check"); else empty.
  std::string ended_by;
  std::vector<std::string> waiting;  // kReadinessChanged: tracked processes not ready;
                                     // kDependencyBlocked: the dependencies not met
  std::string dependency;            // kDependencyBlocked
  // kHookFinished (process empty for a global hook; exit_code and signal of its last attempt):
  std::string hook;         // its name
  std::string hook_type;    // pre_start post_start pre_stop post_stop
  std::string hook_result;  // success failure timeout cancelled
  int attempts = 0;
  // Job events.
  int64_t run_id = 0;
  std::string run_trigger;   // "schedule" or "manual"
  std::string run_result;    // kJobRunFinished: "success", "failure", "timeout" or "skipped"
  int64_t duration_ms = -1;  // kHookFinished, kJobRunFinished
  // kConfigReloaded: the new `global:` block (normal form) and the answer's JSON (reload_result.h).
  std::string global_json;
  std::string reload_json;
};

enum class JobOp { kPause, kResume, kTrigger };

struct JobReply {
  ControlResult result = ControlResult::kAccepted;
  int64_t run_id = 0;   // kTrigger answered by the loop: the run it started
  std::string message;  // why, when refused
};

// Receives events on the supervisor loop thread. Implementations must return quickly and never
// call back into Control synchronously waiting for a result.
class EventListener {
 public:
  virtual ~EventListener() = default;
  virtual void OnEvent(const Event& event) = 0;
};

// The highest instance count Submit accepts for a process, and the setting that sets it.
struct ScaleLimit {
  int value = 0;
  const char* key = "max_process_scale";  // or "max_scale", the process's own bound
};

class Control {
 public:
  virtual ~Control() = default;

  // `arg` is the instance count for kScale, the signal number for kSignal and kSignalGroup, and
  // ignored otherwise.
  virtual ControlResult Submit(ControlOp op, std::string_view process, int arg) = 0;
  // What bounds kScale for `process`, so that a refusal can say which limit; nullopt when unknown.
  virtual std::optional<ScaleLimit> ScaleLimitOf(std::string_view /*process*/) const {
    return std::nullopt;
  }

  // Processes in configuration order, instances by index.
  virtual std::vector<ProcessStatus> Snapshot() const = 0;
  virtual std::optional<ProcessStatus> SnapshotOf(std::string_view process) const = 0;
  // Changes whenever a new snapshot is published, so that readers can keep what they derive from
  // Snapshot() (e.g. its JSON) until then. Read it before Snapshot(): a publish in between then
  // only makes the derived value newer than its generation, never older. 0 means "not tracked":
  // derive anew every time.
  virtual uint64_t SnapshotGeneration() const { return 0; }

  // The daemon's readiness as of the latest snapshot.
  virtual ReadinessStatus Readiness() const { return ReadinessStatus{true, {}, {}}; }
  // Pauses, resumes or triggers a scheduled job. Validated at once, then applied by the loop; waits
  // up to `wait` for the loop's answer (a trigger's run id, or its refusal at
  // schedule_max_concurrent). `wait` 0: returns once queued (run_id 0).
  virtual JobReply ControlJob(JobOp /*op*/, std::string_view /*process*/,
                              std::chrono::milliseconds /*wait*/) {
    return {ControlResult::kInvalidArgument, 0, "scheduled jobs are not supported here"};
  }
  // Waits up to `timeout` for run `run_id` of the job `process` to finish: its record, or nullopt
  // when it is still active then (or no such run is known).
  virtual std::optional<schedule::RunRecord> WaitForRun(std::string_view /*process*/,
                                                        int64_t /*run_id*/,
                                                        std::chrono::milliseconds /*timeout*/) {
    return std::nullopt;
  }

  // Reads the configuration file again and puts it in force (lifecycle.md "Reload"): validated
  // off the supervisor loop, then applied by it. Waits up to `wait` for the outcome (kTimeout
  // past it: the reload goes on). Refused (kBusy, kStopping) during another reload or a shutdown.
  virtual reload::ReloadResult ReloadConfig(std::chrono::milliseconds /*wait*/) {
    reload::ReloadResult r;
    r.status = reload::ReloadStatus::kUnsupported;
    r.message = "configuration reload is not supported here";
    return r;
  }
  virtual reload::ReloadStats ReloadStats() const { return {}; }

  // What the processes wrote, kept per instance across restarts (lifecycle.md "Logs"); readers
  // page it and follow it from any thread (core/process_logs/history.h). Null where there is none.
  virtual process_logs::LogHistory* ProcessLogs() { return nullptr; }

  // Listeners must outlive the supervisor's run; add them before it starts.
  virtual void AddListener(EventListener* listener) = 0;
};

const char* ToString(ControlResult result);

}  // namespace phpeek
