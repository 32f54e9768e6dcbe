#include "core/supervisor/time_source.h"

#include <cmath>

namespace phpeek::supervisor {
namespace {

class Steady final : public TimeSource {
 public:
  Clock::time_point Now() const override { return Clock::now(); }
};

using Nanos = std::chrono::nanoseconds;

}  // namespace

const TimeSource& SteadyTime() {
  static const Steady steady;
  return steady;
}

AcceleratedWallTime::AcceleratedWallTime(WallClock::time_point wall_start, double speed)
    : wall_start_(wall_start), real_start_(WallClock::now()), speed_(speed > 0 ? speed : 1) {}

WallClock::time_point AcceleratedWallTime::WallNow() const {
  const double real = static_cast<double>(Nanos(WallClock::now() - real_start_).count());
  return wall_start_ + std::chrono::duration_cast<WallClock::duration>(
                           Nanos(static_cast<int64_t>(real * speed_)));
}

// Rounded up, so that a timer armed for it never fires before WallNow() reads `wall`.
WallClock::time_point AcceleratedWallTime::SystemTimeAt(WallClock::time_point wall) const {
  const double ahead = static_cast<double>(Nanos(wall - wall_start_).count());
  return real_start_ + std::chrono::duration_cast<WallClock::duration>(
                           Nanos(static_cast<int64_t>(std::ceil(ahead / speed_)) + 1));
}

}  // namespace phpeek::supervisor
