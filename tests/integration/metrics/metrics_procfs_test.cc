// The metrics plugin of the real daemon reading procfs from a directory given by
// PHPEEK_PM_METRICS_PROC_ROOT: empty (no /proc at all) or partial (some entries missing or
// unreadable). What it cannot read is said once in the log and left out of the exposition; nothing
// is published as a made-up 0. The daemon's start time comes from the host (daemon_status), so it
// stays right without /proc.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <string>

#include "tests/integration/metrics/metrics_daemon.h"
#include "tests/support/test_support.h"
#include "tests/unit/metrics/promtool_check.h"

namespace phpeek::metrics {
namespace {

using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;
using testing::MetricsDaemon;
using testing::MetricsDaemonOptions;
using testing::Up;

const char* kTwoWebs = "  web:\n    command: [\"sleep\", \"600\"]\n    scale: 2\n";

MetricsDaemonOptions WithProcRoot(const std::string& root) {
  MetricsDaemonOptions options;
  options.env["PHPEEK_PM_METRICS_PROC_ROOT"] = root;
  return options;
}

bool HasSample(const std::string& text, const std::string& prefix) {
  return text.find("\n" + prefix) != std::string::npos;
}

double StartTime(const std::string& text) {
  const std::string key = "\nphpeek_pm_manager_start_time_seconds ";
  const size_t at = text.find(key);
  return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size()));
}

TEST(MetricsProcfs, WithoutProcTheLogSaysSoOnceAndNoResourceOrStartTimeIsMadeUp) {
  TempDir empty;
  MetricsDaemon d(kTwoWebs, WithProcRoot(empty.path()));
  ASSERT_TRUE(d.WaitValue(Up("web", "web-1"), 1)) << d.daemon().Log();
  std::string text;
  for (int i = 0; i < 3; ++i) text = d.Scrape();
  EXPECT_TRUE(HasSample(text, "phpeek_pm_process_up{name=\"web\",instance=\"web-0\"} 1")) << text;
  EXPECT_FALSE(HasSample(text, "phpeek_pm_process_cpu_seconds_total{")) << text;
  EXPECT_FALSE(HasSample(text, "phpeek_pm_process_memory_bytes{")) << text;
  EXPECT_FALSE(HasSample(text, "phpeek_pm_process_file_descriptors{")) << text;
  // The daemon's own record of its start, not 0 (1970) and not the scrape's time.
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_NEAR(StartTime(text), now, 120) << text;

  const std::string log = d.daemon().Log();
  EXPECT_EQ(phpeek::testing::CountOf(log, "procfs at " + empty.path() + " is incomplete"), 1u)
      << log;
  EXPECT_EQ(phpeek::testing::CountOf(log, "warning"), 1u) << log;
  EXPECT_NE(log.find("(" + empty.path() + "/self/stat: No such file or directory)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(": phpeek_pm_process_cpu_seconds_total, phpeek_pm_process_memory_bytes and "
                     "phpeek_pm_process_file_descriptors are not published"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("phpeek_pm_manager_start_time_seconds is not published"), std::string::npos)
      << log;
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(text);
}

// A tree with the daemon's own entries but without /proc/stat (no boot time: costs nothing, the
// start time comes from the host), where one instance's entry cannot be read: the readable
// instance keeps its resource series, the unreadable one loses them and that is said once.
TEST(MetricsProcfs, APartialTreeStillPublishesWhatCanBeReadAndNamesTheRestOnce) {
  TempDir root;
  namespace fs = std::filesystem;
  fs::create_directory_symlink("/proc/self", root.Join("self"));  // the reader: the daemon
  fs::create_directory_symlink("/proc/thread-self", root.Join("thread-self"));
  MetricsDaemon d(kTwoWebs, WithProcRoot(root.path()));
  ASSERT_TRUE(d.WaitValue(Up("web", "web-1"), 1)) << d.daemon().Log();
  const pid_t web0 = d.PidOf("web-0");
  const pid_t web1 = d.PidOf("web-1");
  ASSERT_GT(web0, 0);
  ASSERT_GT(web1, 0);
  fs::create_directory_symlink("/proc/" + std::to_string(web0), root.Join(std::to_string(web0)));
  root.Write(std::to_string(web1), "not a directory");

  const std::string rss0 = "phpeek_pm_process_memory_bytes{process=\"web\",instance=\"web-0\"";
  std::string text;
  ASSERT_TRUE(WaitUntil([&] {
    text = d.Scrape();
    return HasSample(text, rss0);
  })) << text;
  text = d.Scrape();
  EXPECT_TRUE(
      HasSample(text, "phpeek_pm_process_cpu_seconds_total{process=\"web\",instance=\"web-0\"}"))
      << text;
  EXPECT_FALSE(HasSample(text, "phpeek_pm_process_memory_bytes{process=\"web\",instance=\"web-1\""))
      << text;
  EXPECT_FALSE(
      HasSample(text, "phpeek_pm_process_file_descriptors{process=\"web\",instance=\"web-1\""))
      << text;
  EXPECT_NEAR(StartTime(text), static_cast<double>(std::time(nullptr)), 120) << text;

  const std::string log = d.daemon().Log();
  EXPECT_EQ(phpeek::testing::CountOf(log, "is incomplete"), 0u) << log;
  EXPECT_EQ(phpeek::testing::CountOf(log, "cannot read " + root.path() + "/" +
                                              std::to_string(web1) + "/stat: Not a directory"),
            1u)
      << log;
  EXPECT_EQ(phpeek::testing::CountOf(log, "warning"), 1u) << log;
}

}  // namespace
}  // namespace phpeek::metrics
