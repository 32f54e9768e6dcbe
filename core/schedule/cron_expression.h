// A parsed 5-field cron expression (a process's `schedule:`) and the calendar test "does this local
// minute match". The config loader (core/config/cron.cc) parses every `schedule` with
// ParseCronExpression to report its errors; the scheduler parses the validated text again to
// compute fire times (fire_times.h). One parser for both, so what validates is what runs.
//
// Syntax: minute hour day-of-month month day-of-week, separated by blanks. Each field is a comma
// list of `*`, `?` (the same as `*`, as the original PHPeek PM's parser took it), `n`, `a-b`,
// each optionally followed by `/step`; `n/step` means `n-max/step`. Month and weekday take
// three-letter English names (jan, mon; any case); weekday 0 and 7 are both Sunday. Shorthands:
// @yearly @annually @monthly @weekly @daily @midnight @hourly.
//
// Day rule (POSIX cron): when both day fields are restricted, a day matching either one matches;
// otherwise both must match. A field counts as unrestricted only when written `*`, `?` or `*/1`
// (so `*/2` restricts, as in the original's parser; Vixie cron treats any field starting with `*`
// as unrestricted).
#pragma once

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

namespace phpeek::schedule {

struct CronExpression {
  std::string text;  // as written, blanks trimmed
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // bits 1..31
  std::bitset<13> months;         // bits 1..12
  std::bitset<7> days_of_week;    // 0 = Sunday; a written 7 sets bit 0
  bool day_of_month_restricted = false;
  bool day_of_week_restricted = false;

  // `day_of_month` 1..31, `day_of_week` 0..6 (0 = Sunday), with the day rule above.
  bool MatchesDay(unsigned day_of_month, unsigned day_of_week) const;
};

// One problem of an expression: the field at fault ("minute", ..., "day-of-week"; empty when the
// expression as a whole is wrong) and what is wrong with it ("61 is out of range 0-59").
struct CronProblem {
  std::string field;
  std::string message;
};

// Parses `text`. On failure returns false and appends one problem per bad field (or one for the
// whole expression: wrong number of fields, unknown shorthand), including a schedule that can
// never fire (`0 0 31 2 *`).
bool ParseCronExpression(std::string_view text, CronExpression* out,
                         std::vector<CronProblem>* problems);

// "minute: 61 is out of range 0-59; hour: 24 is out of range 0-23".
std::string DescribeCronProblems(const std::vector<CronProblem>& problems);

}  // namespace phpeek::schedule
