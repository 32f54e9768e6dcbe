// The log time formats (core/text/timestamp.h): UTC with milliseconds for JSON, local time with
// its offset for text; the per-second cache giving the same text as a fresh format across second,
// day and year boundaries and before 1970, and each form keeping its own cache.
#include "core/text/timestamp.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <ctime>
#include <optional>
#include <string>

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

// Sets TZ (a POSIX rule, no zone files needed) for the scope of one test.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = ::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

std::string Local(int64_t ms) {
  char buf[kTimestampMax];
  return std::string(buf, FormatLocalMillis(buf, At(ms)));
}

TEST(LocalTimeTest, LocalTimeCarriesItsOffsetEastAndWest) {
  {
    ScopedTimeZone tz("IST-5:30");
    EXPECT_EQ(Local(1796569445123), "2026-12-06T20:34:05.123+05:30");
    EXPECT_EQ(UtcMillis(At(1796569445124)), "2026-12-06T15:04:05.124Z");  // its own cache
  }
  {
    ScopedTimeZone tz("ABC+3");
    EXPECT_EQ(Local(1796569446007), "2026-12-06T12:04:06.007-03:00");
  }
  {
    ScopedTimeZone tz("UTC0");
    EXPECT_EQ(Local(1798761599999), "2026-12-31T23:59:59.999+00:00");
    EXPECT_EQ(Local(1798761600000), "2027-01-01T00:00:00.000+00:00");
  }
}

}  // namespace
}  // namespace phpeek::text
