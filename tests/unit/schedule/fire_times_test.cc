// NextFireTime in UTC and across the DST transitions of Europe/Berlin, America/New_York and
// Australia/Lord_Howe (a 30-minute shift): skipped local minutes do not fire, repeated ones fire
// once, the first time.
#include "core/schedule/fire_times.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/schedule/time_text.h"

namespace phpeek::schedule {
namespace {

// The next `n` fire times after `from`, as UTC text.
std::vector<std::string> Fires(const std::string& cron, const std::string& zone,
                               const std::string& from, int n) {
  const CronExpression e = Cron(cron);
  const TimeZone z = Zone(zone);
  std::vector<std::string> out;
  Instant t = Utc(from);
  for (int i = 0; i < n; ++i) {
    const std::optional<Instant> next = NextFireTime(e, z, t);
    if (!next) break;
    EXPECT_GT(*next, t);
    out.push_back(Iso(*next));
    t = *next;
  }
  return out;
}

using V = std::vector<std::string>;

TEST(FireTimesTest, StrictlyAfter) {
  EXPECT_EQ(Fires("*/5 * * * *", "UTC", "2025-06-13T10:05:00Z", 2),
            (V{"2025-06-13T10:10:00Z", "2025-06-13T10:15:00Z"}));
  EXPECT_EQ(Fires("*/5 * * * *", "UTC", "2025-06-13T10:04:59Z", 1), (V{"2025-06-13T10:05:00Z"}));
  EXPECT_EQ(Fires("* * * * *", "UTC", "2025-12-31T23:59:30Z", 2),
            (V{"2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"}));
}

TEST(FireTimesTest, CalendarFields) {
  // 2025-06-13 is a Friday.
  EXPECT_EQ(Fires("0 9-17/4 * * mon-fri", "UTC", "2025-06-13T12:00:00Z", 4),
            (V{"2025-06-13T13:00:00Z", "2025-06-13T17:00:00Z", "2025-06-16T09:00:00Z",
               "2025-06-16T13:00:00Z"}));
  EXPECT_EQ(Fires("30 3 1 * *", "UTC", "2025-06-13T00:00:00Z", 2),
            (V{"2025-07-01T03:30:00Z", "2025-08-01T03:30:00Z"}));
  EXPECT_EQ(Fires("0 0 31 * *", "UTC", "2025-06-13T00:00:00Z", 3),
            (V{"2025-07-31T00:00:00Z", "2025-08-31T00:00:00Z", "2025-10-31T00:00:00Z"}));
  EXPECT_EQ(Fires("0 0 29 2 *", "UTC", "2025-01-01T00:00:00Z", 2),
            (V{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}));
  EXPECT_EQ(Fires("0 12 * jan,jul sun", "UTC", "2025-06-13T00:00:00Z", 2),
            (V{"2025-07-06T12:00:00Z", "2025-07-13T12:00:00Z"}));
  EXPECT_EQ(Fires("0 0 * * 7", "UTC", "2025-06-13T00:00:00Z", 1), (V{"2025-06-15T00:00:00Z"}));
}

TEST(FireTimesTest, EitherDayFieldFiresWhenBothAreRestricted) {
  // The 13th and every Friday: Fri 13 June, Fri 20, Fri 27, Fri 4 July, Fri 11, Sun 13 July.
  EXPECT_EQ(Fires("0 0 13 * fri", "UTC", "2025-06-12T00:00:00Z", 6),
            (V{"2025-06-13T00:00:00Z", "2025-06-20T00:00:00Z", "2025-06-27T00:00:00Z",
               "2025-07-04T00:00:00Z", "2025-07-11T00:00:00Z", "2025-07-13T00:00:00Z"}));
  EXPECT_EQ(Fires("0 0 13 * *", "UTC", "2025-06-12T00:00:00Z", 2),
            (V{"2025-06-13T00:00:00Z", "2025-07-13T00:00:00Z"}));
}

TEST(FireTimesTest, Shorthands) {
  const char* from = "2025-06-13T10:07:00Z";
  EXPECT_EQ(Fires("@hourly", "UTC", from, 1), (V{"2025-06-13T11:00:00Z"}));
  EXPECT_EQ(Fires("@daily", "UTC", from, 1), (V{"2025-06-14T00:00:00Z"}));
  EXPECT_EQ(Fires("@midnight", "UTC", from, 1), (V{"2025-06-14T00:00:00Z"}));
  EXPECT_EQ(Fires("@weekly", "UTC", from, 1), (V{"2025-06-15T00:00:00Z"}));
  EXPECT_EQ(Fires("@monthly", "UTC", from, 1), (V{"2025-07-01T00:00:00Z"}));
  EXPECT_EQ(Fires("@yearly", "UTC", from, 1), (V{"2026-01-01T00:00:00Z"}));
  EXPECT_EQ(Fires("@annually", "UTC", from, 1), (V{"2026-01-01T00:00:00Z"}));
}

TEST(FireTimesTest, UtcHasNoTransitions) {
  EXPECT_EQ(Fires("30 2 * * *", "UTC", "2025-03-29T12:00:00Z", 2),
            (V{"2025-03-30T02:30:00Z", "2025-03-31T02:30:00Z"}));
  EXPECT_EQ(Fires("30 2 * * *", "UTC", "2025-10-25T12:00:00Z", 2),
            (V{"2025-10-26T02:30:00Z", "2025-10-27T02:30:00Z"}));
  EXPECT_EQ(Fires("0 * * * *", "UTC", "2025-10-26T00:30:00Z", 3),
            (V{"2025-10-26T01:00:00Z", "2025-10-26T02:00:00Z", "2025-10-26T03:00:00Z"}));
}

// Berlin: 2025-03-30 02:00 CET -> 03:00 CEST (01:00Z); 2025-10-26 03:00 CEST -> 02:00 CET (01:00Z).
TEST(FireTimesTest, BerlinSpringForwardSkips) {
  EXPECT_EQ(Fires("30 2 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z", 2),
            (V{"2025-03-31T00:30:00Z", "2025-04-01T00:30:00Z"}));  // no 02:30 on the 30th
  EXPECT_EQ(Fires("0 * * * *", "Europe/Berlin", "2025-03-29T23:30:00Z", 3),
            (V{"2025-03-30T00:00:00Z", "2025-03-30T01:00:00Z", "2025-03-30T02:00:00Z"}));
  EXPECT_EQ(Fires("*/20 * * * *", "Europe/Berlin", "2025-03-30T00:30:00Z", 3),
            (V{"2025-03-30T00:40:00Z", "2025-03-30T01:00:00Z", "2025-03-30T01:20:00Z"}));
  EXPECT_EQ(Fires("0 3 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z", 1),
            (V{"2025-03-30T01:00:00Z"}));
}

TEST(FireTimesTest, BerlinFallBackRunsOnce) {
  EXPECT_EQ(Fires("30 2 * * *", "Europe/Berlin", "2025-10-25T12:00:00Z", 2),
            (V{"2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z"}));
  // From inside the second pass (02:10 CET) the repeated minutes are not fired again.
  EXPECT_EQ(Fires("30 2 * * *", "Europe/Berlin", "2025-10-26T01:10:00Z", 1),
            (V{"2025-10-27T01:30:00Z"}));
  EXPECT_EQ(Fires("0 * * * *", "Europe/Berlin", "2025-10-25T23:30:00Z", 3),
            (V{"2025-10-26T00:00:00Z", "2025-10-26T02:00:00Z", "2025-10-26T03:00:00Z"}));
  EXPECT_EQ(Fires("*/30 * * * *", "Europe/Berlin", "2025-10-25T23:50:00Z", 4),
            (V{"2025-10-26T00:00:00Z", "2025-10-26T00:30:00Z", "2025-10-26T02:00:00Z",
               "2025-10-26T02:30:00Z"}));
}

// New York: 2025-03-09 02:00 EST -> 03:00 EDT (07:00Z); 2025-11-02 02:00 EDT -> 01:00 EST (06:00Z).
TEST(FireTimesTest, NewYork) {
  EXPECT_EQ(Fires("30 2 * * *", "America/New_York", "2025-03-08T12:00:00Z", 2),
            (V{"2025-03-10T06:30:00Z", "2025-03-11T06:30:00Z"}));
  EXPECT_EQ(Fires("30 1 * * *", "America/New_York", "2025-11-01T12:00:00Z", 2),
            (V{"2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"}));
  EXPECT_EQ(Fires("0 9 * * mon-fri", "America/New_York", "2025-03-07T15:00:00Z", 2),
            (V{"2025-03-10T13:00:00Z", "2025-03-11T13:00:00Z"}));  // EST Friday, EDT Monday
}

// Lord Howe: 2025-04-06 02:00 +11 -> 01:30 +10:30 (05T15:00Z); 2025-10-05 02:00 +10:30 -> 02:30
// +11 (04T15:30Z): the clocks move by 30 minutes.
TEST(FireTimesTest, LordHoweHalfHourShift) {
  EXPECT_EQ(Fires("45 1 * * *", "Australia/Lord_Howe", "2025-04-05T12:00:00Z", 2),
            (V{"2025-04-05T14:45:00Z", "2025-04-06T15:15:00Z"}));
  EXPECT_EQ(Fires("15 2 * * *", "Australia/Lord_Howe", "2025-10-04T12:00:00Z", 2),
            (V{"2025-10-05T15:15:00Z", "2025-10-06T15:15:00Z"}));
  EXPECT_EQ(Fires("*/15 * * * *", "Australia/Lord_Howe", "2025-10-04T15:00:00Z", 3),
            (V{"2025-10-04T15:15:00Z", "2025-10-04T15:30:00Z", "2025-10-04T15:45:00Z"}));
  EXPECT_EQ(Wall(Zone("Australia/Lord_Howe"), Utc("2025-10-04T15:30:00Z")), "2025-10-05 02:30");
  // 01:30 and 01:45 come again at 15:00Z and 15:15Z (+10:30): they fired at 14:30Z and 14:45Z.
  EXPECT_EQ(Fires("*/15 * * * *", "Australia/Lord_Howe", "2025-04-05T14:20:00Z", 4),
            (V{"2025-04-05T14:30:00Z", "2025-04-05T14:45:00Z", "2025-04-05T15:30:00Z",
               "2025-04-05T15:45:00Z"}));
  EXPECT_EQ(Wall(Zone("Australia/Lord_Howe"), Utc("2025-04-05T15:15:00Z")), "2025-04-06 01:45");
}

// Santiago changes its clocks at midnight: 2025-09-07 00:00 -> 01:00 (04:00Z), so a job at
// midnight skips that day; 2025-04-06 00:00 -> 05 23:00 (03:00Z) repeats the hour before
// midnight, and midnight itself comes once.
TEST(FireTimesTest, MidnightTransition) {
  EXPECT_EQ(Fires("0 0 * * *", "America/Santiago", "2025-09-05T12:00:00Z", 2),
            (V{"2025-09-06T04:00:00Z", "2025-09-08T03:00:00Z"}));
  EXPECT_EQ(Fires("0 0 * * *", "America/Santiago", "2025-04-04T12:00:00Z", 2),
            (V{"2025-04-05T03:00:00Z", "2025-04-06T04:00:00Z"}));
}

TEST(FireTimesTest, LimitOfTheSearch) {
  // A valid expression always fires within the search window, even 29 February across 2100.
  EXPECT_EQ(Fires("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", 1), (V{"2104-02-29T00:00:00Z"}));
}

}  // namespace
}  // namespace phpeek::schedule
