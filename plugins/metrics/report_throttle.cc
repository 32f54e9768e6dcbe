#include "plugins/metrics/report_throttle.h"

namespace phpeek::metrics {

std::optional<uint64_t> ReportThrottle::Count(Clock::time_point now) {
  ++pending_;
  return Flush(now);
}

std::optional<uint64_t> ReportThrottle::Flush(Clock::time_point now) {
  if (pending_ == 0 || (last_report_ && now - *last_report_ < interval_)) return std::nullopt;
  last_report_ = now;
  const uint64_t n = pending_;
  pending_ = 0;
  return n;
}

std::optional<ReportThrottle::Clock::time_point> ReportThrottle::next_flush() const {
  if (pending_ == 0) return std::nullopt;
  return last_report_ ? *last_report_ + interval_ : Clock::time_point{};
}

}  // namespace phpeek::metrics
