// Where the engine and its loop read the time. The daemon uses the steady clock; unit tests use a
// clock they advance by hand, so that backoff delays, stop timeouts and the shutdown deadline are
// driven deterministically instead of waited for.
#pragma once

#include <chrono>

namespace phpeek::supervisor {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual Clock::time_point Now() const = 0;
};

// The steady clock; one shared instance, stateless.
const TimeSource& SteadyTime();

}  // namespace phpeek::supervisor
