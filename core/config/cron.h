// Validation of 5-field cron expressions for `schedule`: minute hour day-of-month month
// day-of-week, each `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a comma list of
// those. Month and weekday also take three-letter names (JAN, MON); `@hourly`, `@daily`, `@weekly`,
// `@monthly`, `@yearly` are accepted as shorthands.
#pragma once

#include <string>

namespace phpeek::config {

// Returns false with `err` naming every bad field ("hour: 24 is out of range 0-23").
bool ValidateCron(const std::string& expression, std::string* err);

}  // namespace phpeek::config
