// The schedule keys through the real loader and a real file: values, defaults, and every bad
// input as a positioned error naming the key and the field at fault.
#include <gtest/gtest.h>

#include "core/config/cron.h"
#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

using std::chrono::milliseconds;

class ScheduleKeysTest : public ConfigTest {
 protected:
  // Process "job" with `command: /bin/true` and `body` (lines from 4 on); expects exactly one error
  // at processes.job.<key> and returns it.
  Diagnostic Bad(const std::string& body, const std::string& key) {
    const LoadResult r = Load("processes:\n  job:\n    command: /bin/true\n" + body);
    return ExpectOneError(r, "processes.job." + key);
  }
  std::string Text(const Diagnostic& d) {
    return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " + d.message +
           (d.hint.empty() ? "" : " | " + d.hint);
  }
};

TEST_F(ScheduleKeysTest, Defaults) {
  const ProcessSpec p = LoadProcess("    command: /bin/true\n");
  EXPECT_EQ(p.schedule, "");
  EXPECT_EQ(p.schedule_timezone, "Local");
  EXPECT_FALSE(p.schedule_timeout);
  EXPECT_EQ(p.schedule_max_concurrent, 1);
  const LoadResult r = Load("processes:\n  job: {command: /bin/true}\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->global.schedule_history_size, 100);
  EXPECT_NE(r.config->global_json.find("\"schedule_history_size\":100"), std::string::npos);
}

TEST_F(ScheduleKeysTest, GoodValues) {
  const ProcessSpec p = LoadProcess(
      "    command: /bin/true\n"
      "    type: oneshot\n"
      "    scale: 1\n"
      "    schedule: \"*/5 * * * *\"\n"
      "    schedule_timezone: America/New_York\n"
      "    schedule_timeout: 90\n"
      "    schedule_max_concurrent: 3\n");
  EXPECT_EQ(p.schedule, "*/5 * * * *");
  EXPECT_EQ(p.schedule_timezone, "America/New_York");
  EXPECT_EQ(p.schedule_timeout, milliseconds(90000));
  EXPECT_EQ(p.schedule_max_concurrent, 3);
  EXPECT_TRUE(p.deferred_keys.empty());  // the engine runs jobs: nothing is deferred
  for (const char* zone : {"UTC", "Local", "Europe/Berlin", "Australia/Lord_Howe"}) {
    EXPECT_EQ(LoadProcess("    command: /bin/true\n    schedule: \"@daily\"\n"
                          "    schedule_timezone: " +
                          std::string(zone) + "\n")
                  .schedule_timezone,
              zone);
  }
  const LoadResult g =
      Load("global: {schedule_history_size: 7}\nprocesses:\n  job: {command: /bin/true}\n");
  ASSERT_TRUE(g.config) << Dump(g.diagnostics);
  EXPECT_EQ(g.config->global.schedule_history_size, 7);
  EXPECT_NE(g.config->global_json.find("\"schedule_history_size\":7"), std::string::npos);
}

// The original PHPeek PM reads 0 as "no timeout" and "no limit".
TEST_F(ScheduleKeysTest, ZeroMeansNone) {
  const ProcessSpec p = LoadProcess(
      "    command: /bin/true\n    schedule: \"@hourly\"\n    schedule_timeout: 0\n"
      "    schedule_max_concurrent: 0\n");
  EXPECT_FALSE(p.schedule_timeout);
  EXPECT_EQ(p.schedule_max_concurrent, 0);
}

TEST_F(ScheduleKeysTest, BadCronExpressions) {
  const std::string hint =
      " | 5 fields: minute hour day-of-month month day-of-week, e.g. \"*/15 * * * *\"";
  const std::string names =
      " | months 1-12 or jan..dec, weekdays 0-7 or sun..sat (0 and 7 are Sunday)";
  EXPECT_EQ(Text(Bad("    schedule: \"0 */5 * * * *\"\n", "schedule")),
            "4:15: invalid cron expression '0 */5 * * * *': expected 5 fields (minute hour "
            "day-of-month month day-of-week), got 6: a seconds or year field is not supported" +
                hint);
  EXPECT_EQ(Text(Bad("    schedule: \"61 * * * *\"\n", "schedule")),
            "4:15: invalid cron expression '61 * * * *': minute: 61 is out of range 0-59" + hint);
  EXPECT_EQ(Text(Bad("    schedule: '* * 31 2 *'\n", "schedule")),
            "4:15: invalid cron expression '* * 31 2 *': day-of-month: '31' never occurs in "
            "February, so the schedule never fires" +
                hint);
  EXPECT_EQ(
      Text(Bad("    schedule: 0 0 * * mnd\n", "schedule")),
      "4:15: invalid cron expression '0 0 * * mnd': day-of-week: 'mnd' is not a number" + names);
  EXPECT_EQ(Text(Bad("    schedule: 0 0 * jam *\n", "schedule")),
            "4:15: invalid cron expression '0 0 * jam *': month: 'jam' is not a number" + names);
  EXPECT_EQ(Text(Bad("    schedule: \"@fortnightly\"\n", "schedule")),
            "4:15: invalid cron expression '@fortnightly': unknown shorthand '@fortnightly' (use "
            "@yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)" +
                hint);
  EXPECT_EQ(Text(Bad("    schedule: [\"*\"]\n", "schedule")), "4:15: expected a value, got a list");
  EXPECT_EQ(Text(Bad("    schedule: \"" + std::string(5000, '1') + "\"\n", "schedule")),
            "4:15: invalid cron expression: expected 5 fields (minute hour day-of-month month "
            "day-of-week), got 1" +
                hint);
}

TEST_F(ScheduleKeysTest, ExpressionFromTheEnvironment) {
  const LoadResult r =
      Load("processes:\n  job:\n    command: /bin/true\n    schedule: \"${JOB_CRON}\"\n",
           {{"JOB_CRON", "61 * * * *"}});
  const Diagnostic d = ExpectOneError(r, "processes.job.schedule");
  EXPECT_EQ(d.pos.line, 4);
  EXPECT_NE(d.message.find("minute: 61 is out of range 0-59"), std::string::npos) << d.message;
}

TEST_F(ScheduleKeysTest, UnknownTimeZone) {
  EXPECT_EQ(Text(Bad("    schedule: \"@daily\"\n    schedule_timezone: Europe/Berln\n",
                     "schedule_timezone")),
            "5:24: time zone 'Europe/Berln' is not in the system's time zone database "
            "(/usr/share/zoneinfo) | did you mean 'Europe/Berlin'?");
  EXPECT_EQ(
      Text(Bad("    schedule: \"@daily\"\n    schedule_timezone: utc\n", "schedule_timezone")),
      "5:24: time zone 'utc' is not in the system's time zone database "
      "(/usr/share/zoneinfo) | did you mean 'UTC'?");
  EXPECT_EQ(Text(Bad("    schedule: \"@daily\"\n    schedule_timezone: Nowhere/Qqqqqqqq\n",
                     "schedule_timezone")),
            "5:24: time zone 'Nowhere/Qqqqqqqq' is not in the system's time zone database "
            "(/usr/share/zoneinfo) | an IANA name such as Europe/Berlin or America/New_York, "
            "UTC, or Local (the daemon's own zone)");
  EXPECT_EQ(
      Text(Bad("    schedule: \"@daily\"\n    schedule_timezone: \"\"\n", "schedule_timezone")),
      "5:24: must not be empty | remove the key to use the default (Local)");
}

// A job has one run stream: the original rejects scale > 1 for oneshots and ignores scale for
// jobs; we say so at the scale, for any type.
TEST_F(ScheduleKeysTest, ScaleMustBeOne) {
  EXPECT_EQ(Text(Bad("    type: oneshot\n    scale: 3\n    schedule: \"*/5 * * * *\"\n", "scale")),
            "5:12: a scheduled job starts one run per tick, so its scale must be 1, got 3 | "
            "remove scale; schedule_max_concurrent lets runs overlap");
  EXPECT_EQ(Text(Bad("    schedule: \"*/5 * * * *\"\n    scale: 0\n", "scale")),
            "5:12: a scheduled job starts one run per tick, so its scale must be 1, got 0 | "
            "remove scale; schedule_max_concurrent lets runs overlap");
  EXPECT_EQ(Bad("    enabled: false\n    scale: 2\n    schedule: \"@daily\"\n", "scale").pos.line,
            5);
}

TEST_F(ScheduleKeysTest, OtherBadValues) {
  EXPECT_EQ(Text(Bad("    schedule: \"@daily\"\n    schedule_max_concurrent: -1\n",
                     "schedule_max_concurrent")),
            "5:30: must be between 0 and 1000, got -1");
  EXPECT_EQ(Text(Bad("    schedule: \"@daily\"\n    schedule_timeout: soon\n", "schedule_timeout"))
                .substr(0, 29),
            "5:23: invalid duration 'soon'");
  const LoadResult r =
      Load("global: {schedule_history_size: 0}\nprocesses:\n  job: {command: /bin/true}\n");
  const Diagnostic d = ExpectOneError(r, "global.schedule_history_size");
  EXPECT_EQ(Text(d), "1:33: must be between 1 and 10000, got 0");
}

TEST_F(ScheduleKeysTest, ScheduleKeysWithoutScheduleWarn) {
  const LoadResult r = Load(
      "processes:\n  web:\n    command: /bin/true\n    schedule_timezone: UTC\n"
      "    schedule_timeout: 5m\n    schedule_max_concurrent: 2\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  for (const auto& [key, line] : std::vector<std::pair<std::string, int>>{
           {"schedule_timezone", 4}, {"schedule_timeout", 5}, {"schedule_max_concurrent", 6}}) {
    const Diagnostic* d = FindDiag(r.diagnostics, "processes.web." + key);
    ASSERT_NE(d, nullptr) << key << "\n" << Dump(r.diagnostics);
    EXPECT_EQ(d->severity, Severity::kWarning);
    EXPECT_EQ(d->pos.line, line);
    EXPECT_EQ(d->message, "'" + key + "' has no effect without 'schedule'");
  }
}

TEST_F(ScheduleKeysTest, EveryProblemOfAFileInOneLoad) {
  const LoadResult r = Load(
      "processes:\n"
      "  a: {command: /bin/true, schedule: \"61 * * * *\"}\n"
      "  b: {command: /bin/true, schedule: \"* * * * * *\"}\n"
      "  c: {command: /bin/true, schedule: \"@daily\", schedule_timezone: Mars/Base}\n"
      "  d: {command: /bin/true, schedule: \"@daily\", scale: 3, type: oneshot}\n");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(CountSeverity(r.diagnostics, Severity::kError), 4u) << Dump(r.diagnostics);
  for (const char* key : {"processes.a.schedule", "processes.b.schedule",
                          "processes.c.schedule_timezone", "processes.d.scale"}) {
    const Diagnostic* d = FindDiag(r.diagnostics, key);
    ASSERT_NE(d, nullptr) << key;
    EXPECT_GT(d->pos.column, 0) << key;
  }
}

TEST_F(ScheduleKeysTest, JobSettingsForTheEngine) {
  const LoadResult r = Load(
      "global: {schedule_history_size: 5}\n"
      "processes:\n"
      "  job:\n    command: /bin/true\n    schedule: \"@hourly\"\n"
      "    schedule_timezone: Europe/Berlin\n    schedule_timeout: 1m\n"
      "    schedule_max_concurrent: 2\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  schedule::JobSettings s;
  std::string err;
  ASSERT_TRUE(JobSettingsFor(r.config->processes[0], r.config->global, &s, &err)) << err;
  EXPECT_EQ(s.name, "job");
  EXPECT_EQ(s.cron.text, "@hourly");
  EXPECT_EQ(s.zone.name(), "Europe/Berlin");
  EXPECT_EQ(s.timeout, milliseconds(60000));
  EXPECT_EQ(s.max_concurrent, 2);
  EXPECT_EQ(s.history_size, 5u);
  ProcessSpec gone = r.config->processes[0];
  gone.schedule_timezone = "Gone/Zone";
  EXPECT_FALSE(JobSettingsFor(gone, r.config->global, &s, &err));
  EXPECT_EQ(err,
            "time zone 'Gone/Zone' is not in the system's time zone database "
            "(/usr/share/zoneinfo)");
}

TEST(ValidateCronTest, OneMessage) {
  std::string err;
  EXPECT_TRUE(ValidateCron("*/5 * * * *", &err));
  EXPECT_FALSE(ValidateCron("61 25 * * *", &err));
  EXPECT_EQ(err, "minute: 61 is out of range 0-59; hour: 25 is out of range 0-23");
}

}  // namespace
}  // namespace phpeek::config
