// The small parsers: durations, byte sizes, signal names, cron expressions, suggestions.
#include <gtest/gtest.h>

#include <csignal>

#include "core/config/byte_size.h"
#include "core/config/cron.h"
#include "core/config/duration.h"
#include "core/config/signal_names.h"
#include "core/config/suggest.h"

namespace phpeek::config {
namespace {

using std::chrono::milliseconds;

milliseconds Dur(const std::string& text) {
  milliseconds out{-1};
  std::string err;
  EXPECT_TRUE(ParseDuration(text, &out, &err)) << text << ": " << err;
  return out;
}

std::string DurError(const std::string& text) {
  milliseconds out{0};
  std::string err;
  EXPECT_FALSE(ParseDuration(text, &out, &err)) << text;
  return err;
}

TEST(DurationTest, IntegerIsSeconds) {
  EXPECT_EQ(Dur("30"), milliseconds(30000));
  EXPECT_EQ(Dur("0"), milliseconds(0));
}

TEST(DurationTest, Units) {
  EXPECT_EQ(Dur("500ms"), milliseconds(500));
  EXPECT_EQ(Dur("5s"), milliseconds(5000));
  EXPECT_EQ(Dur("1m30s"), milliseconds(90000));
  EXPECT_EQ(Dur("1h"), milliseconds(3600000));
  EXPECT_EQ(Dur("1h2m3s4ms"), milliseconds(3723004));
}

TEST(DurationTest, Garbage) {
  EXPECT_EQ(DurError("-5"), "negative durations are not allowed");
  EXPECT_EQ(DurError("-5s"), "negative durations are not allowed");
  EXPECT_EQ(DurError(""), "empty duration");
  EXPECT_EQ(DurError("abc"), "not a duration");
  EXPECT_EQ(DurError("5x"), "unknown unit 'x'");
  EXPECT_EQ(DurError("1m30"), "missing unit after 30");
  EXPECT_EQ(DurError("1.5s"), "missing unit after 1");
  EXPECT_EQ(DurError("5 s"), "missing unit after 5");
  EXPECT_EQ(DurError("99999999999999999999h"), "duration is too large");
  EXPECT_EQ(DurError("9999999999999h"), "duration is too large");
  EXPECT_EQ(DurError("99999999999999999999"), "duration is too large");
}

TEST(DurationTest, FormatIsCanonical) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(500)), "500ms");
  EXPECT_EQ(FormatDuration(milliseconds(90000)), "1m30s");
  EXPECT_EQ(FormatDuration(milliseconds(3600000)), "1h");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1s500ms");
}

TEST(ByteSizeTest, PlainAndUnits) {
  int64_t v = 0;
  std::string err;
  ASSERT_TRUE(ParseByteSize("65536", &v, &err));
  EXPECT_EQ(v, 65536);
  ASSERT_TRUE(ParseByteSize("64KiB", &v, &err));
  EXPECT_EQ(v, 65536);
  ASSERT_TRUE(ParseByteSize("1m", &v, &err));
  EXPECT_EQ(v, 1048576);
  EXPECT_FALSE(ParseByteSize("-1", &v, &err));
  EXPECT_EQ(err, "negative sizes are not allowed");
  EXPECT_FALSE(ParseByteSize("12GB", &v, &err));
  EXPECT_FALSE(ParseByteSize("lots", &v, &err));
}

TEST(SignalNamesTest, NamesWithAndWithoutPrefixAnyCase) {
  int s = 0;
  ASSERT_TRUE(ParseSignalName("SIGTERM", &s));
  EXPECT_EQ(s, SIGTERM);
  ASSERT_TRUE(ParseSignalName("TERM", &s));
  EXPECT_EQ(s, SIGTERM);
  ASSERT_TRUE(ParseSignalName("sigquit", &s));
  EXPECT_EQ(s, SIGQUIT);
  for (const auto& name : KnownSignalNames()) {
    ASSERT_TRUE(ParseSignalName(name, &s)) << name;
    EXPECT_EQ(SignalName(s), name);
  }
  EXPECT_EQ(KnownSignalNames().size(), 8u);
  EXPECT_FALSE(ParseSignalName("SIGFOO", &s));
  EXPECT_FALSE(ParseSignalName("15", &s));
  EXPECT_FALSE(ParseSignalName("", &s));
  EXPECT_EQ(SignalName(SIGSEGV), "signal " + std::to_string(SIGSEGV));
}

std::string CronError(const std::string& expr) {
  std::string err;
  EXPECT_FALSE(ValidateCron(expr, &err)) << expr;
  return err;
}

TEST(CronTest, EveryBadFieldIsNamed) {
  EXPECT_EQ(CronError("61 25 * * *"),
            "minute: 61 is out of range 0-59; hour: 25 is out of range 0-23");
  EXPECT_EQ(CronError("* * * \xc3\xa9 *"), "month: '\xc3\xa9' is not a number");
}

TEST(CronTest, ValidExpressions) {
  std::string err;
  for (const char* e : {"* * * * *", "0 2 * * *", "*/15 * * * *", "0 9-17 * * 1-5", "30 3 1 * *",
                        "0,15,30,45 * * * *", "0 0 * JAN-MAR mon", "0 0 * * 7",
                        "5-55/10 */2 1-31/2 */3 0-6", "@daily", "@hourly"}) {
    EXPECT_TRUE(ValidateCron(e, &err)) << e << ": " << err;
  }
}

TEST(CronTest, InvalidExpressions) {
  EXPECT_EQ(CronError("* * * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  EXPECT_EQ(CronError("* * * * * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 6: a seconds or "
            "year field is not supported");
  EXPECT_EQ(CronError("60 * * * *"), "minute: 60 is out of range 0-59");
  EXPECT_EQ(CronError("0 24 * * *"), "hour: 24 is out of range 0-23");
  EXPECT_EQ(CronError("0 0 0 * *"), "day-of-month: 0 is out of range 1-31");
  EXPECT_EQ(CronError("0 0 * 13 *"), "month: 13 is out of range 1-12");
  EXPECT_EQ(CronError("0 0 * * 8"), "day-of-week: 8 is out of range 0-7");
  EXPECT_EQ(CronError("5-1 * * * *"), "minute: range 5-1 runs backwards");
  EXPECT_EQ(CronError("*/0 * * * *"), "minute: bad step '0'");
  EXPECT_EQ(CronError("1,,2 * * * *"), "minute: empty element in '1,,2'");
  EXPECT_EQ(CronError("x * * * *"), "minute: 'x' is not a number");
  EXPECT_EQ(CronError("@sometimes"),
            "unknown shorthand '@sometimes' (use @yearly, @annually, @monthly, @weekly, @daily, "
            "@midnight or @hourly)");
  EXPECT_EQ(CronError(""), "expected 5 fields (minute hour day-of-month month day-of-week), got 0");
}

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
}

TEST(SuggestTest, ClosestMatch) {
  const std::vector<std::string> keys = {"restart", "depends_on", "working_dir", "scale"};
  EXPECT_EQ(ClosestMatch("restrat", keys), "restart");
  EXPECT_EQ(ClosestMatch("depends-on", keys), "depends_on");
  EXPECT_EQ(ClosestMatch("Working_Dir", keys), "working_dir");
  EXPECT_EQ(ClosestMatch("heartbeat", keys), "");
  EXPECT_EQ(ClosestMatch("x", keys), "");
  EXPECT_EQ(ClosestMatch(std::string(10000, 'a'), keys), "");
}

}  // namespace
}  // namespace phpeek::config
