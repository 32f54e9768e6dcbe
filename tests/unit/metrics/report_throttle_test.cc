#include "plugins/metrics/report_throttle.h"

#include <gtest/gtest.h>

namespace phpeek::metrics {
namespace {

using namespace std::chrono_literals;
using Clock = ReportThrottle::Clock;

TEST(ReportThrottle, FirstAtOnceThenOncePerIntervalWithTheCount) {
  ReportThrottle t(1s);
  const Clock::time_point t0{100s};
  EXPECT_EQ(t.Count(t0), 1u);
  EXPECT_FALSE(t.next_flush().has_value());
  for (int i = 1; i <= 4000; ++i) EXPECT_FALSE(t.Count(t0 + i * 100us).has_value());
  EXPECT_EQ(t.next_flush(), t0 + 1s);
  EXPECT_FALSE(t.Flush(t0 + 999ms).has_value());
  EXPECT_EQ(t.Count(t0 + 1s), 4001u);  // the 4000 held back and this one
  EXPECT_FALSE(t.Flush(t0 + 5s).has_value());
}

TEST(ReportThrottle, AQuietTailIsFlushedOnceTheIntervalPassed) {
  ReportThrottle t(1s);
  const Clock::time_point t0{100s};
  EXPECT_EQ(t.Count(t0), 1u);
  EXPECT_FALSE(t.Count(t0 + 10ms).has_value());
  EXPECT_FALSE(t.Count(t0 + 20ms).has_value());
  EXPECT_EQ(t.Flush(t0 + 1s), 2u);
  EXPECT_FALSE(t.next_flush().has_value());
  // Long after, a new occurrence is reported at once again.
  EXPECT_EQ(t.Count(t0 + 60s), 1u);
}

}  // namespace
}  // namespace phpeek::metrics
