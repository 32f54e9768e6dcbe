// ParseCronExpression: what each field accepts, the day rule, shorthands, and every kind of bad
// input with the field at fault.
#include "core/schedule/cron_expression.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace phpeek::schedule {
namespace {

CronExpression Parse(const std::string& text) {
  CronExpression e;
  std::vector<CronProblem> problems;
  EXPECT_TRUE(ParseCronExpression(text, &e, &problems))
      << text << ": " << DescribeCronProblems(problems);
  return e;
}

std::string Problems(const std::string& text) {
  CronExpression e;
  std::vector<CronProblem> problems;
  EXPECT_FALSE(ParseCronExpression(text, &e, &problems)) << text;
  return DescribeCronProblems(problems);
}

template <size_t N>
std::vector<int> Bits(const std::bitset<N>& bits) {
  std::vector<int> out;
  for (size_t i = 0; i < N; ++i) {
    if (bits[i]) out.push_back(static_cast<int>(i));
  }
  return out;
}

TEST(CronExpressionTest, FieldsBecomeSets) {
  const CronExpression e = Parse("*/15 9-17 1,15 */3 1-5");
  EXPECT_EQ(Bits(e.minutes), (std::vector<int>{0, 15, 30, 45}));
  EXPECT_EQ(Bits(e.hours), (std::vector<int>{9, 10, 11, 12, 13, 14, 15, 16, 17}));
  EXPECT_EQ(Bits(e.days_of_month), (std::vector<int>{1, 15}));
  EXPECT_EQ(Bits(e.months), (std::vector<int>{1, 4, 7, 10}));
  EXPECT_EQ(Bits(e.days_of_week), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(e.text, "*/15 9-17 1,15 */3 1-5");
}

TEST(CronExpressionTest, StepsRangesAndLists) {
  EXPECT_EQ(Bits(Parse("5-20/5 * * * *").minutes), (std::vector<int>{5, 10, 15, 20}));
  // n/step is n-max/step, as the original's parser (robfig/cron) and cronie read it.
  EXPECT_EQ(Bits(Parse("50/4 * * * *").minutes), (std::vector<int>{50, 54, 58}));
  EXPECT_EQ(Bits(Parse("0 0 * * 1/2").days_of_week), (std::vector<int>{1, 3, 5}));
  EXPECT_EQ(Bits(Parse("1,2,3-4,10-20/5,59 * * * *").minutes),
            (std::vector<int>{1, 2, 3, 4, 10, 15, 20, 59}));
  EXPECT_EQ(Bits(Parse("*/1 * * * *").minutes).size(), 60u);
  EXPECT_EQ(Bits(Parse("*/59 * * * *").minutes), (std::vector<int>{0, 59}));
  EXPECT_EQ(Bits(Parse("? ? ? ? ?").hours).size(), 24u);
}

TEST(CronExpressionTest, NamesAnyCase) {
  const CronExpression e = Parse("0 0 * jan,MAR-May Mon-fri");
  EXPECT_EQ(Bits(e.months), (std::vector<int>{1, 3, 4, 5}));
  EXPECT_EQ(Bits(e.days_of_week), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(Bits(Parse("0 0 * DEC SUN,sat").days_of_week), (std::vector<int>{0, 6}));
}

TEST(CronExpressionTest, ZeroAndSevenAreSunday) {
  EXPECT_EQ(Bits(Parse("0 0 * * 0").days_of_week), (std::vector<int>{0}));
  EXPECT_EQ(Bits(Parse("0 0 * * 7").days_of_week), (std::vector<int>{0}));
  EXPECT_EQ(Bits(Parse("0 0 * * 5-7").days_of_week), (std::vector<int>{0, 5, 6}));
  EXPECT_EQ(Bits(Parse("0 0 * * 0-7").days_of_week).size(), 7u);
  EXPECT_EQ(Bits(Parse("0 0 * * */2").days_of_week), (std::vector<int>{0, 2, 4, 6}));
}

TEST(CronExpressionTest, Shorthands) {
  const struct {
    const char* shorthand;
    const char* same_as;
  } cases[] = {{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
               {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
               {"@hourly", "0 * * * *"}, {"@DAILY", "0 0 * * *"}};
  for (const auto& c : cases) {
    const CronExpression a = Parse(c.shorthand);
    const CronExpression b = Parse(c.same_as);
    EXPECT_EQ(a.text, c.shorthand);
    EXPECT_EQ(a.minutes, b.minutes) << c.shorthand;
    EXPECT_EQ(a.hours, b.hours) << c.shorthand;
    EXPECT_EQ(a.days_of_month, b.days_of_month) << c.shorthand;
    EXPECT_EQ(a.months, b.months) << c.shorthand;
    EXPECT_EQ(a.days_of_week, b.days_of_week) << c.shorthand;
    EXPECT_EQ(a.day_of_month_restricted, b.day_of_month_restricted) << c.shorthand;
    EXPECT_EQ(a.day_of_week_restricted, b.day_of_week_restricted) << c.shorthand;
  }
}

TEST(CronExpressionTest, BlanksAroundAndBetween) {
  const CronExpression e = Parse("  0\t2   *  * *\t");
  EXPECT_EQ(e.text, "0\t2   *  * *");
  EXPECT_EQ(Bits(e.hours), (std::vector<int>{2}));
}

// POSIX: with both day fields restricted a day matching either fires; with one of them `*`, the
// other decides alone. Only `*`, `?` and `*/1` leave a field unrestricted.
TEST(CronExpressionTest, DayRule) {
  const CronExpression both = Parse("0 0 13 * 5");  // the 13th, and every Friday
  EXPECT_TRUE(both.day_of_month_restricted && both.day_of_week_restricted);
  EXPECT_TRUE(both.MatchesDay(13, 2));
  EXPECT_TRUE(both.MatchesDay(7, 5));
  EXPECT_FALSE(both.MatchesDay(7, 2));
  const CronExpression dom_only = Parse("0 0 13 * *");
  EXPECT_TRUE(dom_only.MatchesDay(13, 2));
  EXPECT_FALSE(dom_only.MatchesDay(7, 5));
  const CronExpression dow_only = Parse("0 0 * * 5");
  EXPECT_TRUE(dow_only.MatchesDay(7, 5));
  EXPECT_FALSE(dow_only.MatchesDay(13, 2));
  const CronExpression stepped = Parse("0 0 */2 * 1");  // */2 restricts: odd days or Mondays
  EXPECT_TRUE(stepped.day_of_month_restricted);
  EXPECT_TRUE(stepped.MatchesDay(3, 3));
  EXPECT_TRUE(stepped.MatchesDay(4, 1));
  EXPECT_FALSE(stepped.MatchesDay(4, 3));
  EXPECT_FALSE(Parse("0 0 * * ?").day_of_week_restricted);
  EXPECT_FALSE(Parse("0 0 */1 * *").day_of_month_restricted);
  EXPECT_TRUE(Parse("0 0 1-31 * *").day_of_month_restricted);
}

TEST(CronExpressionTest, WrongFieldCount) {
  EXPECT_EQ(Problems("* * * * * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 6: a seconds or "
            "year field is not supported");
  EXPECT_EQ(Problems("0 0 0 1 1 * 2025"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 7: a seconds or "
            "year field is not supported");
  EXPECT_EQ(Problems("* * * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  EXPECT_EQ(Problems(" \t "),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 0");
}

TEST(CronExpressionTest, OutOfRangeNamesTheField) {
  EXPECT_EQ(Problems("61 * * * *"), "minute: 61 is out of range 0-59");
  EXPECT_EQ(Problems("0 24 * * *"), "hour: 24 is out of range 0-23");
  EXPECT_EQ(Problems("0 0 32 * *"), "day-of-month: 32 is out of range 1-31");
  EXPECT_EQ(Problems("0 0 0 * *"), "day-of-month: 0 is out of range 1-31");
  EXPECT_EQ(Problems("0 0 * 0 *"), "month: 0 is out of range 1-12");
  EXPECT_EQ(Problems("0 0 * * 8"), "day-of-week: 8 is out of range 0-7");
  EXPECT_EQ(Problems("99999999 * * * *"), "minute: 99999999 is out of range 0-59");
  EXPECT_EQ(Problems("0-60 * * * *"), "minute: 60 is out of range 0-59");
}

TEST(CronExpressionTest, EveryBadFieldIsNamed) {
  EXPECT_EQ(Problems("61 25 * * *"),
            "minute: 61 is out of range 0-59; hour: 25 is out of range 0-23");
  EXPECT_EQ(Problems("x y z w v"),
            "minute: 'x' is not a number; hour: 'y' is not a number; day-of-month: 'z' is not a "
            "number; month: 'w' is not a number; day-of-week: 'v' is not a number");
}

TEST(CronExpressionTest, UnknownNames) {
  EXPECT_EQ(Problems("0 0 * jan-foo *"), "month: 'foo' is not a number");
  EXPECT_EQ(Problems("0 0 * * monday"), "day-of-week: 'monday' is not a number");
  EXPECT_EQ(Problems("0 0 * * jan"), "day-of-week: 'jan' is not a number");  // wrong field
  EXPECT_EQ(Problems("0 0 * mon *"), "month: 'mon' is not a number");
  EXPECT_EQ(Problems("0 mon * * *"), "hour: 'mon' is not a number");
  EXPECT_EQ(Problems("@reboot"),
            "unknown shorthand '@reboot' (use @yearly, @annually, @monthly, @weekly, @daily, "
            "@midnight or @hourly)");
  EXPECT_EQ(Problems("@every 5m"),
            "unknown shorthand '@every 5m' (use @yearly, @annually, @monthly, @weekly, @daily, "
            "@midnight or @hourly)");
}

TEST(CronExpressionTest, MalformedElements) {
  EXPECT_EQ(Problems("5-1 * * * *"), "minute: range 5-1 runs backwards");
  EXPECT_EQ(Problems("0 0 * * fri-mon"), "day-of-week: range fri-mon runs backwards");
  EXPECT_EQ(Problems("*/0 * * * *"), "minute: bad step '0'");
  EXPECT_EQ(Problems("*/60 * * * *"), "minute: bad step '60'");
  EXPECT_EQ(Problems("*/ * * * *"), "minute: bad step ''");
  EXPECT_EQ(Problems("*/x * * * *"), "minute: bad step 'x'");
  EXPECT_EQ(Problems("1/2/3 * * * *"), "minute: bad step '2/3'");
  EXPECT_EQ(Problems("1,,2 * * * *"), "minute: empty element in '1,,2'");
  EXPECT_EQ(Problems("1, * * * *"), "minute: empty element in '1,'");
  EXPECT_EQ(Problems("-5 * * * *"), "minute: a number is missing");
  EXPECT_EQ(Problems("5- * * * *"), "minute: a number is missing");
  EXPECT_EQ(Problems("** * * * *"), "minute: '**' is not a number");
  EXPECT_EQ(Problems("+5 * * * *"), "minute: '+5' is not a number");
}

TEST(CronExpressionTest, NeverFiresIsAnError) {
  EXPECT_EQ(Problems("* * 31 2 *"),
            "day-of-month: '31' never occurs in February, so the schedule never fires");
  EXPECT_EQ(Problems("0 0 30,31 feb *"),
            "day-of-month: '30,31' never occurs in February, so the schedule never fires");
  EXPECT_EQ(Problems("0 0 31 4,6,9,11 *"),
            "day-of-month: '31' never occurs in April, June, September, November, so the "
            "schedule never fires");
  // 29 February occurs in leap years; a weekday field offers days of its own.
  Parse("0 0 29 2 *");
  Parse("0 0 31 2 mon");
  Parse("0 0 31 1-2 *");
}

TEST(CronExpressionTest, HugeInputIsQuotedShort) {
  const std::string field(100000, 'x');
  const std::string message = Problems(field + " * * * *");
  EXPECT_EQ(message, "minute: '" + std::string(40, 'x') + "...' is not a number");
}

}  // namespace
}  // namespace phpeek::schedule
