#include "core/health/health_state.h"

#include <algorithm>

namespace phpeek::health {

const char* ToString(Health health) {
  switch (health) {
    case Health::kUnknown:
      return "unknown";
    case Health::kHealthy:
      return "healthy";
    case Health::kUnhealthy:
      return "unhealthy";
  }
  return "unknown";
}

HealthState::HealthState(int success_threshold, int failure_threshold)
    : success_threshold_(std::max(1, success_threshold)),
      failure_threshold_(std::max(1, failure_threshold)) {}

std::optional<Health> HealthState::Record(bool passed) {
  Health next = health_;
  if (passed) {
    failures_ = 0;
    ++passes_;
    if (passes_ >= success_threshold_) next = Health::kHealthy;
  } else {
    passes_ = 0;
    ++failures_;
    if (failures_ >= failure_threshold_) next = Health::kUnhealthy;
  }
  if (next == health_) return std::nullopt;
  health_ = next;
  return next;
}

void HealthState::Reset() {
  health_ = Health::kUnknown;
  passes_ = 0;
  failures_ = 0;
}

}  // namespace phpeek::health
