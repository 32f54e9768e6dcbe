#include "plugins/metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace phpeek::metrics {
namespace {

TEST(EscapeLabelValue, EscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapeLabelValue(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(EscapeLabelValue(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(EscapeLabelValue("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(EscapeLabelValue("plain-name_0.x"), "plain-name_0.x");
  EXPECT_EQ(EscapeLabelValue("\\\"\n"), R"(\\\"\n)");
  EXPECT_EQ(EscapeLabelValue("tab\tand ü"), "tab\tand ü");  // only the three are special
}

TEST(EscapeHelp, EscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(EscapeHelp("a \"quoted\" \\ word\nnext"), R"(a "quoted" \\ word\nnext)");
}

TEST(FormatValue, IntegersExactAndFloatsRoundTrip) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(-0.0), "0");
  EXPECT_EQ(FormatValue(1), "1");
  EXPECT_EQ(FormatValue(-137), "-137");
  EXPECT_EQ(FormatValue(12000000000.0), "12000000000");  // not 1.2e+10
  EXPECT_EQ(FormatValue(1700000000.25), "1700000000.25");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(std::stod(FormatValue(2.0 / 3.0)), 2.0 / 3.0);
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(RenderText, HelpAndTypeForEveryFamilyEvenWithoutSamples) {
  std::vector<Family> families;
  families.push_back(Family{"b_total", "Counts b.", MetricType::kCounter, {}});
  families.push_back(Family{"a_gauge", "Gauges a.", MetricType::kGauge, {}});
  EXPECT_EQ(RenderText(families),
            "# HELP a_gauge Gauges a.\n"
            "# TYPE a_gauge gauge\n"
            "# HELP b_total Counts b.\n"
            "# TYPE b_total counter\n");
}

TEST(RenderText, SamplesWithLabelsInGivenOrderAndEscaped) {
  Family f{"phpeek_pm_process_up", "Up.", MetricType::kGauge, {}};
  f.Add({{"name", "web"}, {"instance", "web-1"}}, 1);
  f.Add({{"name", "web"}, {"instance", "web-0"}}, 0);
  f.Add({{"name", "we\"ird\\\n"}, {"instance", "x"}}, 1);
  EXPECT_EQ(RenderText({f}),
            "# HELP phpeek_pm_process_up Up.\n"
            "# TYPE phpeek_pm_process_up gauge\n"
            "phpeek_pm_process_up{name=\"web\",instance=\"web-1\"} 1\n"
            "phpeek_pm_process_up{name=\"web\",instance=\"web-0\"} 0\n"
            "phpeek_pm_process_up{name=\"we\\\"ird\\\\\\n\",instance=\"x\"} 1\n");
}

TEST(RenderText, SampleWithoutLabelsHasNoBraces) {
  Family f{"phpeek_pm_manager_process_count", "Count.", MetricType::kGauge, {}};
  f.Add({}, 3);
  EXPECT_EQ(RenderText({f}),
            "# HELP phpeek_pm_manager_process_count Count.\n"
            "# TYPE phpeek_pm_manager_process_count gauge\n"
            "phpeek_pm_manager_process_count 3\n");
}

TEST(RenderText, FamiliesSortedByNameAndOutputStableAcrossCalls) {
  std::vector<Family> families;
  for (const char* name : {"zeta", "alpha", "mid", "beta"}) {
    Family f{name, "h", MetricType::kGauge, {}};
    f.Add({{"k", "v"}}, 1);
    families.push_back(f);
  }
  const std::string first = RenderText(families);
  EXPECT_LT(first.find("# HELP alpha"), first.find("# HELP beta"));
  EXPECT_LT(first.find("# HELP beta"), first.find("# HELP mid"));
  EXPECT_LT(first.find("# HELP mid"), first.find("# HELP zeta"));
  std::vector<Family> reversed(families.rbegin(), families.rend());
  EXPECT_EQ(RenderText(reversed), first);
}

TEST(RenderText, HistogramSeriesHaveBucketSumAndCount) {
  Family f{"d_seconds", "Durations.", MetricType::kHistogram, {}};
  f.AddHistogram({{"name", "web"}}, {{0.001, 1}, {0.5, 3}}, 0.75, 4);
  const std::string out = RenderText({f});
  EXPECT_EQ(out,
            "# HELP d_seconds Durations.\n# TYPE d_seconds histogram\n"
            "d_seconds_bucket{name=\"web\",le=\"0.001\"} 1\n"
            "d_seconds_bucket{name=\"web\",le=\"0.5\"} 3\n"
            "d_seconds_bucket{name=\"web\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{name=\"web\"} 0.75\n"
            "d_seconds_count{name=\"web\"} 4\n");
}

TEST(RenderText, HelpTextIsEscaped) {
  const std::string out =
      RenderText({Family{"x", "line1\nline2 \\ \"q\"", MetricType::kGauge, {}}});
  EXPECT_EQ(out, "# HELP x line1\\nline2 \\\\ \"q\"\n# TYPE x gauge\n");
}

}  // namespace
}  // namespace phpeek::metrics
