// phpeek_pm_log_lines_dropped_total on the real daemon: 0 while stdout keeps up, then up by the
// lines lost once nobody reads stdout (the metrics plugin reads the host's daemon_status).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <optional>
#include <sstream>
#include <string>

#include "tests/integration/logging/piped_daemon.h"
#include "tests/support/http_test_client.h"

namespace phpeek::testing {
namespace {

constexpr const char* kSeries = "phpeek_pm_log_lines_dropped_total";

std::optional<double> Scrape(int port) {
  http::Reply r;
  try {
    r = http::Request(port, "GET", "/metrics");
  } catch (const std::exception&) {
    return std::nullopt;  // not listening yet
  }
  if (r.status != 200) return std::nullopt;
  std::istringstream in(r.body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(std::string(kSeries) + " ", 0) == 0) {
      return std::atof(line.c_str() + std::string(kSeries).size() + 1);
    }
  }
  return std::nullopt;
}

TEST(DroppedLinesMetric, MovesWhenStdoutStallsAndLinesAreDropped) {
  TempDir dir;
  const std::string go = dir.Join("go");
  const int port = FreePort();
  // `noisy` waits for the test's signal, then prints ~16 MB of lines and sleeps.
  PipedDaemon d(
      "version: \"1.0\"\nglobal:\n  api_enabled: false\n  log_format: text\n"
      "  shutdown_timeout: 5s\n  metrics_enabled: true\n  metrics_port: " +
      std::to_string(port) +
      "\nprocesses:\n  noisy:\n    command: [\"sh\", \"-c\", \"while [ ! -e " + go +
      " ]; do sleep 0.05; done; seq -f 'noise %06g " + std::string(80, 'x') +
      "' 1 100000; exec sleep 600\"]\n");
  // While the test reads stdout, nothing is dropped.
  ASSERT_TRUE(WaitUntil([&] {
    d.ReadAvailable();
    return Scrape(port).has_value();
  })) << d.output()
      << d.Stderr();
  EXPECT_EQ(Scrape(port), 0.0);

  dir.Write("go", "");
  ASSERT_TRUE(WaitUntil([&] { return d.PipeFull(); }));
  ASSERT_TRUE(WaitUntil([&] {
    const pid_t noisy = d.PidOf("noisy-0");
    return noisy > 0 && ReadFile("/proc/" + std::to_string(noisy) + "/comm") == "sleep\n";
  }));
  // The scrape answers while stdout is stalled, and counts what could not wait.
  const std::optional<double> dropped = Scrape(port);
  ASSERT_TRUE(dropped.has_value());
  EXPECT_GT(*dropped, 10000);
  EXPECT_LT(*dropped, 100000 + 100);
  // The daemon's own account, once stdout is read again, is at least what was scraped.
  ASSERT_TRUE(d.ReadUntil("log lines were dropped", std::chrono::seconds(20)))
      << "daemon stderr: " << d.Stderr() << "\nlast output: "
      << d.output().substr(d.output().size() - std::min<size_t>(d.output().size(), 2000));
  const size_t at = d.output().find("dropped_total=");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::atof(d.output().c_str() + at + 14), *dropped);
}

}  // namespace
}  // namespace phpeek::testing
