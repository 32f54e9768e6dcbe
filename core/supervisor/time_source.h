// Where the engine and its loop read the time. The daemon uses the steady clock; unit tests use a
// clock they advance by hand, so that backoff delays, stop timeouts and the shutdown deadline are
// driven deterministically instead of waited for.
//
// Scheduled jobs also read the wall clock (cron ticks are wall-clock minutes): WallNow, and
// SystemTimeAt to arm a CLOCK_REALTIME timer for a wall-clock instant. The daemon's are the system
// clock itself; a test clock may invent the wall time (unit tests) or run it faster than real time
// (the PHPEEK_PM_TEST_WALL_CLOCK hook, test_hooks.h), and the scheduler code is the same.
#pragma once

#include <chrono>

namespace phpeek::supervisor {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;
using WallClock = std::chrono::system_clock;

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual Clock::time_point Now() const = 0;
  // The wall clock schedules are read on.
  virtual WallClock::time_point WallNow() const { return WallClock::now(); }
  // The system-clock instant at which WallNow() reaches `wall` (for a CLOCK_REALTIME timer):
  // `wall` itself for the system clock.
  virtual WallClock::time_point SystemTimeAt(WallClock::time_point wall) const {
    return WallClock::now() + (wall - WallNow());
  }
};

// The steady clock; one shared instance, stateless.
const TimeSource& SteadyTime();

// The steady clock, with a wall clock that starts at `wall_start` when made and runs `speed` times
// faster than real time: the test hook PHPEEK_PM_TEST_WALL_CLOCK, so that the real binary runs a
// day of cron ticks in seconds through the same timers and code as in production.
class AcceleratedWallTime final : public TimeSource {
 public:
  AcceleratedWallTime(WallClock::time_point wall_start, double speed);
  Clock::time_point Now() const override { return Clock::now(); }
  WallClock::time_point WallNow() const override;
  WallClock::time_point SystemTimeAt(WallClock::time_point wall) const override;

 private:
  const WallClock::time_point wall_start_;
  const WallClock::time_point real_start_;
  const double speed_;
};

}  // namespace phpeek::supervisor
