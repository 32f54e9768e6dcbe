// Rate limit for a warning about a recurring problem (accept() failing with EMFILE thousands of
// times a second): the first occurrence is reported at once, later ones at most once per interval
// with how many happened since the previous report, so the log says how bad it is without being
// flooded.
//
// Pure: the caller passes the time, so tests drive it with synthetic clocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace phpeek::metrics {

class ReportThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ReportThrottle(Clock::duration interval) : interval_(interval) {}

  // Counts one occurrence at `now`. Returns the number to report when a report is due now.
  std::optional<uint64_t> Count(Clock::time_point now);
  // The occurrences held back since the last report, once the interval has passed; so a burst
  // that stops is still reported in full.
  std::optional<uint64_t> Flush(Clock::time_point now);
  // When Flush() will have something to report; nullopt when nothing is held back.
  std::optional<Clock::time_point> next_flush() const;

 private:
  Clock::duration interval_;
  std::optional<Clock::time_point> last_report_;
  uint64_t pending_ = 0;
};

}  // namespace phpeek::metrics
