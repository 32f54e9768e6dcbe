// An instance's health as its probes decide it (lifecycle.md, "Health checks"): `unknown` from each
// spawn until `success_threshold` consecutive passes make it `healthy`; `failure_threshold`
// consecutive failures make it `unhealthy` (from unknown too: a check that never passes is a
// failure, not a wait); from unhealthy, `success_threshold` consecutive passes make it healthy
// again. Pure bookkeeping: no clock, no probe; the checker feeds it one result at a time.
#pragma once

#include <optional>

namespace phpeek::health {

enum class Health { kUnknown, kHealthy, kUnhealthy };

const char* ToString(Health health);

class HealthState {
 public:
  HealthState(int success_threshold, int failure_threshold);

  // One probe's outcome; returns the new health when this result changed it.
  std::optional<Health> Record(bool passed);
  // A new run of the instance: unknown, counts cleared.
  void Reset();

  Health health() const { return health_; }
  int consecutive_passes() const { return passes_; }
  int consecutive_failures() const { return failures_; }

 private:
  const int success_threshold_;
  const int failure_threshold_;
  Health health_ = Health::kUnknown;
  int passes_ = 0;
  int failures_ = 0;
};

}  // namespace phpeek::health
