// The series from the host's daemon_status document: log lines dropped, reloads, the process-log
// history, the start time.
#include "plugins/metrics/daemon_status.h"

#include <gtest/gtest.h>

#include "tests/unit/metrics/promtool_check.h"

namespace phpeek::metrics {
namespace {

TEST(DaemonStatusTest, LogLinesDroppedBecomesACounter) {
  const auto f = LogLinesDroppedFamily(
      R"({"schema":1,"version":"0.1.0","pid":7,"started_at_ms":1,"log_lines_dropped":1234,"new":[]})");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->name, "phpeek_pm_log_lines_dropped_total");
  EXPECT_EQ(f->type, MetricType::kCounter);
  EXPECT_EQ(f->lines, "phpeek_pm_log_lines_dropped_total 1234\n");  // one sample, no labels
  const std::string text = RenderText({*f});
  EXPECT_NE(text.find("\nphpeek_pm_log_lines_dropped_total 1234\n"), std::string::npos) << text;
  testing::ExpectPromtoolAccepts(text);
}

TEST(DaemonStatusTest, NoSeriesWithoutTheKeyOrForBadDocuments) {
  EXPECT_FALSE(LogLinesDroppedFamily(R"({"schema":1,"pid":7})").has_value());
  EXPECT_FALSE(LogLinesDroppedFamily(R"({"log_lines_dropped":"many"})").has_value());
  EXPECT_FALSE(LogLinesDroppedFamily("[1]").has_value());
  EXPECT_FALSE(LogLinesDroppedFamily("not json").has_value());
  EXPECT_FALSE(LogLinesDroppedFamily("").has_value());
}

TEST(DaemonStatusTest, ConfigReloadSeries) {
  const std::vector<Family> f =
      ConfigReloadFamilies(R"({"schema":1,"config_reloads":{"success":3,"failure":2},)"
                           R"("config_last_reload_success_ms":1700000000500})");
  ASSERT_EQ(f.size(), 2u);
  const std::string text = RenderText(f);
  EXPECT_NE(text.find("phpeek_pm_config_reloads_total{result=\"success\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("phpeek_pm_config_reloads_total{result=\"failure\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("phpeek_pm_config_last_reload_success_timestamp_seconds 1700000000.5\n"),
            std::string::npos)
      << text;
  testing::ExpectPromtoolAccepts(text);
  EXPECT_TRUE(ConfigReloadFamilies(R"({"schema":1,"pid":7})").empty());  // an older host
  EXPECT_TRUE(ConfigReloadFamilies("not json").empty());
}

TEST(DaemonStatusTest, LogHistorySeries) {
  const std::vector<Family> f = LogHistoryFamilies(
      R"({"schema":1,"log_history":{"bytes":262144,"lines":1000,"instances":3,"evicted":17,)"
      R"("followers":2}})");
  ASSERT_EQ(f.size(), 5u);
  const std::string text = RenderText(f);
  for (const char* line :
       {"# TYPE phpeek_pm_log_history_bytes gauge\nphpeek_pm_log_history_bytes 262144\n",
        "# TYPE phpeek_pm_log_history_lines gauge\nphpeek_pm_log_history_lines 1000\n",
        "# TYPE phpeek_pm_log_history_instances gauge\nphpeek_pm_log_history_instances 3\n",
        "# TYPE phpeek_pm_log_history_evicted_total counter\n"
        "phpeek_pm_log_history_evicted_total 17\n",
        "# TYPE phpeek_pm_log_history_followers gauge\nphpeek_pm_log_history_followers 2\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_NE(text.find("# HELP phpeek_pm_log_history_bytes "), std::string::npos) << text;
  testing::ExpectPromtoolAccepts(text);
  EXPECT_TRUE(LogHistoryFamilies(R"({"schema":1,"pid":7})").empty());  // an older host
  EXPECT_TRUE(LogHistoryFamilies(R"({"log_history":{"bytes":1}})").empty());
  EXPECT_TRUE(LogHistoryFamilies("not json").empty());
}

TEST(DaemonStatusTest, StartTimeInSecondsFromStartedAtMs) {
  EXPECT_EQ(DaemonStartSeconds(R"({"schema":1,"started_at_ms":1700000000250,"pid":7})"),
            1700000000.25);
  EXPECT_FALSE(DaemonStartSeconds(R"({"schema":1,"pid":7})").has_value());
  EXPECT_FALSE(DaemonStartSeconds(R"({"started_at_ms":0})").has_value());
  EXPECT_FALSE(DaemonStartSeconds(R"({"started_at_ms":"soon"})").has_value());
  EXPECT_FALSE(DaemonStartSeconds("[1]").has_value());
  EXPECT_FALSE(DaemonStartSeconds("").has_value());
}

}  // namespace
}  // namespace phpeek::metrics
