// Instants, cron expressions and time zones written as text in the schedule tests:
// "2025-03-30T01:00:00Z" both ways, so that expectations read like the tz facts they encode.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/schedule/cron_expression.h"
#include "core/schedule/run_history.h"
#include "core/schedule/time_zone.h"

namespace phpeek::schedule {

inline Instant Utc(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  EXPECT_EQ(std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s), 6) << text;
  using namespace std::chrono;
  return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
}

inline std::string Iso(Instant t) {
  using namespace std::chrono;
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{t - day};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

// The wall-clock reading of `t` in `zone`, "2025-03-30 03:00".
inline std::string Wall(const TimeZone& zone, Instant t) {
  const std::string iso = Iso(Instant{zone.ToLocal(t).time_since_epoch()});
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

inline WallTime AtWall(const std::string& text) { return Utc(text); }

// A cron expression the test knows to be valid (a failed expectation otherwise).
inline CronExpression Cron(const std::string& text) {
  CronExpression e;
  std::vector<CronProblem> problems;
  EXPECT_TRUE(ParseCronExpression(text, &e, &problems))
      << text << ": " << DescribeCronProblems(problems);
  return e;
}

// A zone of the tz database the test knows to exist (a failed expectation otherwise).
inline TimeZone Zone(const std::string& name) {
  TimeZone zone;
  std::string err;
  EXPECT_TRUE(TimeZone::Find(name, &zone, &err)) << name << ": " << err;
  return zone;
}

}  // namespace phpeek::schedule
