// The original PHPeek PM's scheduled-tasks.yaml (../shared/compat): it loads with every schedule
// validated, and each job's next fire times are what its comment says.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/config/cron.h"
#include "core/config/loader.h"
#include "core/schedule/fire_times.h"
#include "tests/unit/schedule/time_text.h"

namespace phpeek::schedule {
namespace {

TEST(CompatSchedulesTest, ScheduledTasksFireWhenTheirCommentsSay) {
  const config::LoadResult r = config::LoadConfigFile(
      std::string(PHPEEK_COMPAT_DIR) + "/scheduled-tasks.yaml", config::CurrentEnvironment());
  ASSERT_TRUE(r.config);
  for (const auto& d : r.diagnostics) EXPECT_EQ(d.severity, config::Severity::kWarning);

  // From Friday 2025-06-13 10:07:30 UTC, in UTC, the next three fire times of each job.
  const std::map<std::string, std::vector<std::string>> expected = {
      {"database-backup",  // "0 2 * * *": daily at 2 AM
       {"2025-06-14T02:00:00Z", "2025-06-15T02:00:00Z", "2025-06-16T02:00:00Z"}},
      {"cache-warmer",  // "*/15 * * * *"
       {"2025-06-13T10:15:00Z", "2025-06-13T10:30:00Z", "2025-06-13T10:45:00Z"}},
      {"hourly-reports",  // "0 9-17 * * 1-5": on the hour from 9 to 17, Monday to Friday
       {"2025-06-13T11:00:00Z", "2025-06-13T12:00:00Z", "2025-06-13T13:00:00Z"}},
      {"log-rotation",  // "0 0 * * *"
       {"2025-06-14T00:00:00Z", "2025-06-15T00:00:00Z", "2025-06-16T00:00:00Z"}},
      {"health-ping",  // "*/5 * * * *"
       {"2025-06-13T10:10:00Z", "2025-06-13T10:15:00Z", "2025-06-13T10:20:00Z"}},
      {"data-sync",  // "*/30 * * * *"
       {"2025-06-13T10:30:00Z", "2025-06-13T11:00:00Z", "2025-06-13T11:30:00Z"}},
      {"weekly-maintenance",  // "0 3 * * 0": Sundays at 3 AM
       {"2025-06-15T03:00:00Z", "2025-06-22T03:00:00Z", "2025-06-29T03:00:00Z"}},
  };
  EXPECT_EQ(r.config->processes.size(), expected.size());
  for (const auto& p : r.config->processes) {
    SCOPED_TRACE(p.name);
    const auto it = expected.find(p.name);
    ASSERT_NE(it, expected.end());
    JobSettings settings;
    std::string err;
    ASSERT_TRUE(config::JobSettingsFor(p, r.config->global, &settings, &err)) << err;
    EXPECT_EQ(settings.name, p.name);
    EXPECT_EQ(settings.zone.name(), "Local");
    EXPECT_EQ(settings.max_concurrent, 1);
    EXPECT_FALSE(settings.timeout);
    EXPECT_EQ(settings.history_size, 100u);
    std::vector<std::string> fires;
    Instant t = Utc("2025-06-13T10:07:30Z");
    for (int i = 0; i < 3; ++i) {
      const auto next = NextFireTime(settings.cron, TimeZone::Utc(), t);
      ASSERT_TRUE(next);
      fires.push_back(Iso(*next));
      t = *next;
    }
    EXPECT_EQ(fires, it->second);
  }
}

TEST(CompatSchedulesTest, BusinessHoursRollOverTheWeekend) {
  CronExpression cron;
  std::vector<CronProblem> problems;
  ASSERT_TRUE(ParseCronExpression("0 9-17 * * 1-5", &cron, &problems));
  const auto after_friday = NextFireTime(cron, TimeZone::Utc(), Utc("2025-06-13T17:00:00Z"));
  ASSERT_TRUE(after_friday);
  EXPECT_EQ(Iso(*after_friday), "2025-06-16T09:00:00Z");
}

}  // namespace
}  // namespace phpeek::schedule
