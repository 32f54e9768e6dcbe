// One instance's health check: when to probe (initial_delay after each spawn, then every period),
// the timeout of each attempt, and the health its results add up to (health_state.h). The engine
// calls Begin when the instance's process is running and End when that run is over; between the
// two the checker owns one timer and at most one attempt, all on the loop, and reports every result
// through `report` (the engine decides what a change means: a liveness restart, readiness).
//
// Attempts never overlap: the next one is due `period` after the previous started, or at once
// when it took longer. Counters (CheckStats) are kept over restarts, for the metrics.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/config/config.h"
#include "core/health/health_state.h"
#include "core/health/probe.h"
#include "core/health/probe_context.h"

namespace phpeek::health {

using supervisor::Clock;
using supervisor::Millis;

struct CheckStats {
  // The original's histogram buckets for phpeek_pm_health_check_duration_seconds, in seconds.
  static constexpr std::array<double, 7> kBuckets = {0.001, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0};

  uint64_t passed = 0;
  uint64_t failed = 0;
  double duration_sum = 0;                          // seconds, all attempts
  std::array<uint64_t, kBuckets.size()> buckets{};  // cumulative: attempts that took <= kBuckets[i]
  std::string last_failure;                         // the reason of the latest failed attempt
};

// The check's type as the API and the metrics name it: "tcp", "http", "exec".
const char* ToString(config::HealthCheckType type);
const char* ToString(config::HealthCheckMode mode);
// Whether failing the check restarts the instance, and whether it decides readiness.
bool IsLiveness(config::HealthCheckMode mode);
bool IsReadiness(config::HealthCheckMode mode);

class Checker {
 public:
  struct Outcome {
    ProbeResult result;
    Millis took{0};
    Health before = Health::kUnknown;
    std::optional<Health> changed;  // the new health, when this result changed it
  };
  using Report = std::function<void(const Outcome&)>;

  // `exec_request`: how the instance itself is spawned (environment, directory, user); an exec
  // check runs its own command with it. `{instance_index}` in the check is replaced by `index`.
  Checker(ProbeContext& context, const config::HealthCheck& spec, int index,
          const process::SpawnRequest& exec_request, Report report);
  ~Checker();
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // The instance's process is running: health unknown, first probe after initial_delay.
  void Begin();
  // Its run is over: no more probes. Unhealthy stays (it explains the restart) until Begin.
  void End();
  // The process was told to reload: health unknown again (so not ready until a probe passes
  // success_threshold times), the next probe at once. Nothing while not active.
  void Recheck();

  Health health() const { return state_.health(); }
  int consecutive_failures() const { return state_.consecutive_failures(); }
  const CheckStats& stats() const { return stats_; }
  const config::HealthCheck& spec() const { return *spec_; }
  // A configuration reload kept the same check (equal settings) in a new Config: read that one.
  void Rebind(const config::HealthCheck& spec);

 private:
  // `slack`: see Loop::AddTimer. Probes may start a little late, so many checks share wake-ups;
  // a probe's timeout is exact.
  void Arm(Clock::time_point when, Clock::duration slack = Clock::duration::zero());
  Clock::duration ProbeSlack() const;
  void Attempt();
  void OnTimeout();
  void Finish(ProbeResult result);
  void Record(const ProbeResult& result, std::chrono::microseconds took);
  Clock::time_point Now() const { return context_.loop.time().Now(); }

  ProbeContext& context_;
  const config::HealthCheck* spec_;
  Report report_;
  std::unique_ptr<Probe> probe_;
  HealthState state_;
  CheckStats stats_;
  bool active_ = false;     // between Begin and End
  bool in_flight_ = false;  // an attempt runs
  Clock::time_point started_{};
  supervisor::Loop::TimerId timer_ = 0;  // the next attempt, or the running one's timeout
};

}  // namespace phpeek::health
