// The JSON time format (core/text/utc_time.h): UTC with milliseconds, the per-second cache giving
// the same text as a fresh format across second, day and year boundaries and before 1970.
#include "core/text/utc_time.h"

#include <gtest/gtest.h>

namespace phpeek::text {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

system_clock::time_point At(int64_t ms) { return system_clock::time_point(milliseconds(ms)); }

TEST(UtcTimeTest, MillisecondsInUtc) {
  EXPECT_EQ(UtcMillis(At(1796569445123)), "2026-12-06T15:04:05.123Z");
  EXPECT_EQ(UtcMillis(At(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(UtcMillis(At(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(UtcTimeTest, TheCachedSecondNeverShowsThroughAcrossBoundaries) {
  // 2026-12-31T23:59:59.998Z, then step by 1 ms over the new year, and back again.
  const int64_t start = 1798761599998;
  const char* expected[] = {"2026-12-31T23:59:59.998Z", "2026-12-31T23:59:59.999Z",
                            "2027-01-01T00:00:00.000Z", "2027-01-01T00:00:00.001Z"};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(UtcMillis(At(start + i)), expected[i]);
  EXPECT_EQ(UtcMillis(At(start)), expected[0]);  // an earlier second after a later one
  std::string out = "t=";
  AppendUtcMillis(&out, At(start + 2));
  EXPECT_EQ(out, "t=2027-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace phpeek::text
