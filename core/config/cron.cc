// Reading and checking the schedule keys of a process for process_section.cc; the expression and
// the zone are parsed by core/schedule, the scheduler's own code.
#include "core/config/cron.h"

#include <algorithm>

#include "core/config/suggest.h"
#include "core/schedule/cron_expression.h"
#include "core/schedule/time_zone.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

// Expressions and zone names are short; a pasted blob is not repeated in the message.
std::string Quoted(const std::string& text) { return text.size() <= 64 ? " '" + text + "'" : ""; }

void ReadCron(Reader& r, const Node& v, P p, ProcessSpec* out) {
  std::string text;
  if (!r.Text(v, p, &text)) return;
  schedule::CronExpression cron;
  std::vector<schedule::CronProblem> problems;
  if (schedule::ParseCronExpression(text, &cron, &problems)) {
    out->schedule = text;
    return;
  }
  const bool names = std::any_of(problems.begin(), problems.end(), [](const auto& problem) {
    return problem.field == "month" || problem.field == "day-of-week";
  });
  r.ValueError(
      v, p,
      "invalid cron expression" + Quoted(text) + ": " + schedule::DescribeCronProblems(problems),
      names ? "months 1-12 or jan..dec, weekdays 0-7 or sun..sat (0 and 7 are Sunday)"
            : "5 fields: minute hour day-of-month month day-of-week, e.g. \"*/15 * * * *\"");
}

void ReadTimeZone(Reader& r, const Node& v, P p, ProcessSpec* out) {
  std::string name, err;
  if (!r.Text(v, p, &name)) return;
  if (name.empty()) {
    r.Error(v.pos, p, "must not be empty", "remove the key to use the default (Local)");
    return;
  }
  schedule::TimeZone zone;
  if (schedule::TimeZone::Find(name, &zone, &err)) {
    out->schedule_timezone = name;
    return;
  }
  const std::string closest = name.size() <= 64 ? r.Closest(name, schedule::TimeZoneNames()) : "";
  r.ValueError(v, p, "time zone" + Quoted(name) + " " + err,
               closest.empty() ? "an IANA name such as Europe/Berlin or America/New_York, UTC, or "
                                 "Local (the daemon's own zone)"
                               : "did you mean '" + closest + "'?");
}

void ReadTimeout(Reader& r, const Node& v, P p, ProcessSpec* out) {
  Millis value{0};
  if (!r.Duration(v, p, &value)) return;
  // 0 is "no timeout", as in the original PHPeek PM.
  if (value.count() > 0) out->schedule_timeout = value;
}

}  // namespace

bool ValidateCron(const std::string& expression, std::string* err) {
  schedule::CronExpression cron;
  std::vector<schedule::CronProblem> problems;
  if (schedule::ParseCronExpression(expression, &cron, &problems)) return true;
  *err = schedule::DescribeCronProblems(problems);
  return false;
}

std::vector<KeyHandler> ScheduleKeyHandlers(Reader& r, ProcessSpec* out,
                                            ScheduleKeyPositions* seen) {
  return {
      {"schedule",
       [&r, out, seen](const Node& v, P p) {
         seen->schedule = v.pos;
         ReadCron(r, v, p, out);
       }},
      {"schedule_timezone",
       [&r, out, seen](const Node& v, P p) {
         seen->timezone = v.pos;
         ReadTimeZone(r, v, p, out);
       }},
      {"schedule_timeout",
       [&r, out, seen](const Node& v, P p) {
         seen->timeout = v.pos;
         ReadTimeout(r, v, p, out);
       }},
      {"schedule_max_concurrent",
       [&r, out, seen](const Node& v, P p) {
         seen->max_concurrent = v.pos;
         // 0 is "no limit", as in the original PHPeek PM.
         r.Int(v, p, 0, 1000, &out->schedule_max_concurrent);
       }},
  };
}

void CheckScheduleKeys(Reader& r, const std::string& path, const ProcessSpec& p,
                       const ScheduleKeyPositions& seen, SourcePos scale_pos) {
  if (seen.schedule.line > 0) {
    if (p.scale != 1) {
      r.Error(scale_pos, JoinPath(path, "scale"),
              "a scheduled job starts one run per tick, so its scale must be 1, got " +
                  std::to_string(p.scale),
              "remove scale; schedule_max_concurrent lets runs overlap");
    }
    return;
  }
  const std::pair<const char*, SourcePos> keys[] = {
      {"schedule_timezone", seen.timezone},
      {"schedule_timeout", seen.timeout},
      {"schedule_max_concurrent", seen.max_concurrent}};
  for (const auto& [key, pos] : keys) {
    if (pos.line == 0) continue;
    r.Warning(pos, JoinPath(path, key),
              std::string("'") + key + "' has no effect without 'schedule'",
              "add schedule: \"<cron expression>\" or remove the key");
  }
}

bool JobSettingsFor(const ProcessSpec& p, const GlobalSpec& global, schedule::JobSettings* out,
                    std::string* err) {
  schedule::JobSettings settings;
  settings.name = p.name;
  std::vector<schedule::CronProblem> problems;
  if (!schedule::ParseCronExpression(p.schedule, &settings.cron, &problems)) {
    *err = "invalid cron expression: " + schedule::DescribeCronProblems(problems);
    return false;
  }
  if (!schedule::TimeZone::Find(p.schedule_timezone, &settings.zone, err)) {
    *err = "time zone '" + p.schedule_timezone + "' " + *err;
    return false;
  }
  settings.max_concurrent = p.schedule_max_concurrent;
  settings.timeout = p.schedule_timeout;
  settings.history_size = static_cast<size_t>(global.schedule_history_size);
  *out = std::move(settings);
  return true;
}

}  // namespace phpeek::config
