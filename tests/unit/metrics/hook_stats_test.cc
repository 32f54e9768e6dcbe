#include "plugins/metrics/hook_stats.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/metrics/promtool_check.h"

namespace phpeek::metrics {
namespace {

// A HOOK_FINISHED event as the host delivers it.
phpeek_event HookEvent(const char* process, const std::string& detail) {
  phpeek_event ev{};
  ev.struct_size = sizeof ev;
  ev.type = PHPEEK_EVENT_HOOK_FINISHED;
  ev.process = process;
  ev.instance = "";
  ev.detail_json = detail.c_str();
  return ev;
}

std::string Detail(const std::string& name, const std::string& type, const std::string& result,
                   int duration_ms) {
  return R"({"schema":1,"exit_code":0,"signal":0,"hook":")" + name + R"(","hook_type":")" + type +
         R"(","result":")" + result + R"(","attempts":1,"duration_ms":)" +
         std::to_string(duration_ms) + "}";
}

TEST(HookStatsTest, FamiliesExistBeforeAnyHookRan) {
  const std::string text = RenderText(HookStats().Families());
  EXPECT_EQ(text,
            "# HELP phpeek_pm_hook_duration_seconds Lifecycle hook run time, retries included.\n"
            "# TYPE phpeek_pm_hook_duration_seconds histogram\n"
            "# HELP phpeek_pm_hook_executions_total Lifecycle hook runs, by outcome (a timeout "
            "counts as a failure).\n"
            "# TYPE phpeek_pm_hook_executions_total counter\n");
}

TEST(HookStatsTest, CountsByOutcomeAndHistogramOfDurations) {
  HookStats stats;
  const std::string ok = Detail("migrate", "pre_start", "success", 250);
  const std::string slow = Detail("migrate", "pre_start", "timeout", 300000);
  const std::string fail = Detail("migrate", "pre_start", "failure", 1000);
  stats.OnEvent(HookEvent("", ok));
  stats.OnEvent(HookEvent("", slow));
  stats.OnEvent(HookEvent("", fail));
  const std::string drain = Detail("drain", "pre_stop", "success", 50);
  stats.OnEvent(HookEvent("horizon", drain));
  const std::string text = RenderText(stats.Families());
  const auto has = [&](const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has(R"(phpeek_pm_hook_executions_total{name="migrate",type="pre_start",)"
                  R"(status="success",process=""} 1)"))
      << text;
  EXPECT_TRUE(has(R"(phpeek_pm_hook_executions_total{name="migrate",type="pre_start",)"
                  R"(status="failure",process=""} 2)"));
  EXPECT_TRUE(has(R"(phpeek_pm_hook_executions_total{name="drain",type="pre_stop",)"
                  R"(status="success",process="horizon"} 1)"));
  EXPECT_TRUE(has(R"(phpeek_pm_hook_duration_seconds_bucket{name="migrate",type="pre_start",)"
                  R"(process="",le="0.1"} 0)"));
  EXPECT_TRUE(has(R"(phpeek_pm_hook_duration_seconds_bucket{name="migrate",type="pre_start",)"
                  R"(process="",le="0.5"} 1)"));
  EXPECT_TRUE(has(R"(phpeek_pm_hook_duration_seconds_bucket{name="migrate",type="pre_start",)"
                  R"(process="",le="1"} 2)"));
  EXPECT_TRUE(has(R"(phpeek_pm_hook_duration_seconds_bucket{name="migrate",type="pre_start",)"
                  R"(process="",le="120"} 2)"));
  EXPECT_TRUE(has(R"(phpeek_pm_hook_duration_seconds_bucket{name="migrate",type="pre_start",)"
                  R"(process="",le="+Inf"} 3)"));
  EXPECT_TRUE(has(
      R"(phpeek_pm_hook_duration_seconds_sum{name="migrate",type="pre_start",process=""} 301.25)"));
  EXPECT_TRUE(has(
      R"(phpeek_pm_hook_duration_seconds_count{name="migrate",type="pre_start",process=""} 3)"));
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(text);
}

TEST(HookStatsTest, OtherEventsAndUnreadableDetailsAreIgnored) {
  HookStats stats;
  const std::string detail = Detail("a", "pre_start", "success", 1);
  phpeek_event other = HookEvent("", detail);
  other.type = PHPEEK_EVENT_EXITED;
  stats.OnEvent(other);
  for (const std::string bad : {"", "not json", "[]", R"({"hook":"a"})",
                                R"({"hook":1,"hook_type":"x","result":"y","duration_ms":1})"}) {
    stats.OnEvent(HookEvent("", bad));
  }
  phpeek_event null_detail = HookEvent("", detail);
  null_detail.detail_json = nullptr;
  stats.OnEvent(null_detail);
  EXPECT_EQ(RenderText(stats.Families()), RenderText(HookStats().Families()));
}

}  // namespace
}  // namespace phpeek::metrics
