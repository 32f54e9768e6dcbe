#include "core/supervisor/time_source.h"

namespace phpeek::supervisor {
namespace {

class Steady final : public TimeSource {
 public:
  Clock::time_point Now() const override { return Clock::now(); }
};

}  // namespace

const TimeSource& SteadyTime() {
  static const Steady steady;
  return steady;
}

}  // namespace phpeek::supervisor
