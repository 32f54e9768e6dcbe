// php-fpm pool metrics end to end: Debian's php-fpm 8.2 (package php8.2-fpm) supervised by the
// real daemon with the metrics plugin, its status page asked over FastCGI on each scrape, scraped
// over real HTTP. A pool on 127.0.0.1 (a free port), one pool per instance on unix sockets, a
// wrong status path, a pool frozen with SIGSTOP (no answer: the 1 s bound), a pool stopped
// through the API.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <string>

#include "tests/integration/metrics/metrics_daemon.h"
#include "tests/support/test_support.h"
#include "tests/unit/metrics/promtool_check.h"

namespace phpeek::metrics {
namespace {

using phpeek::testing::RunCommand;
using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;
using testing::Http;
using testing::MetricsDaemon;
using testing::Request;

constexpr const char* kPhpFpm = "php-fpm8.2";

bool HavePhpFpm() { return RunCommand({"sh", "-c", "command -v php-fpm8.2"}).exit_code == 0; }

// A pool config: `listen` as given; php-fpm's own ${VAR} expansion lets one file serve every
// instance (PHPEEK_PM_INSTANCE_INDEX). Logs go to the daemon through stderr.
std::string PoolConfig(const TempDir& dir, const std::string& listen) {
  return dir.Write("php-fpm.conf",
                   "[global]\n"
                   "pid = " +
                       dir.path() +
                       "/php-fpm-${PHPEEK_PM_INSTANCE_INDEX}.pid\n"
                       "error_log = /proc/self/fd/2\n"
                       "daemonize = no\n"
                       "[www]\n"
                       "listen = " +
                       listen +
                       "\n"
                       "pm = static\n"
                       "pm.max_children = 2\n"
                       "pm.status_path = /status\n");
}

std::string FpmCommand(const TempDir& dir, const std::string& config) {
  return "    command: [\"" + std::string(kPhpFpm) + "\", \"-F\", \"-R\", \"-n\", \"-y\", \"" +
         config + "\", \"-p\", \"" + dir.path() + "\"]\n";
}

std::string Fpm(const std::string& family, const std::string& labels) {
  return "phpeek_pm_php_fpm_" + family + "{" + labels + "}";
}

double At(const std::map<std::string, double>& series, const std::string& name) {
  const auto it = series.find(name);
  EXPECT_NE(it, series.end()) << name;
  return it == series.end() ? -1 : it->second;
}

// The php-fpm master among the daemon's children (it rewrites its environment with its process
// title, so MetricsDaemon::PidOf cannot find it by PHPEEK_PM_INSTANCE_ID).
pid_t FpmMaster(MetricsDaemon& d) {
  for (pid_t child : phpeek::testing::ChildrenOf(d.daemon().pid())) {
    if (phpeek::testing::ReadFile("/proc/" + std::to_string(child) + "/comm").rfind("php-fpm", 0) ==
        0) {
      return child;
    }
  }
  return 0;
}

TEST(PhpFpmMetrics, RealPoolOverTcpFrozenAndStopped) {
  if (!HavePhpFpm()) GTEST_SKIP() << "php-fpm8.2 not installed (Debian package php8.2-fpm)";
  TempDir dir;
  const int port = phpeek::testing::FreePort();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const std::string config = PoolConfig(dir, address);
  testing::MetricsDaemonOptions options;
  options.api = true;
  MetricsDaemon d("  php-fpm:\n" + FpmCommand(dir, config) + "    php_fpm_status: {address: \"" +
                      address +
                      "\"}\n"
                      // The same pool asked at a path that is not its pm.status_path.
                      "  probe:\n"
                      "    command: [\"sleep\", \"600\"]\n"
                      "    php_fpm_status: {address: \"" +
                      address + "\", path: /not-status}\n",
                  options);
  const std::string pool = "name=\"php-fpm\"";
  ASSERT_TRUE(d.WaitValue(Fpm("up", pool), 1)) << d.Scrape() << d.daemon().Log();
  // pm static, max_children 2 (the master counts its workers into the status at its own pace).
  ASSERT_TRUE(d.WaitValue(Fpm("total_processes", pool), 2)) << d.Scrape();

  const auto first = d.Series();
  EXPECT_GE(At(first, Fpm("active_processes", pool)), 0);
  // php-fpm's master recounts active and idle workers once a second: at most the total.
  EXPECT_LE(At(first, Fpm("active_processes", pool)) + At(first, Fpm("idle_processes", pool)), 2);
  EXPECT_EQ(At(first, Fpm("listen_queue", pool)), 0);
  EXPECT_GE(At(first, Fpm("max_listen_queue", pool)), 0);
  EXPECT_EQ(At(first, Fpm("max_children_reached_total", pool)), 0);
  EXPECT_EQ(At(first, Fpm("slow_requests_total", pool)), 0);
  const double accepted = At(first, Fpm("accepted_connections_total", pool));
  EXPECT_GE(accepted, 1);
  // Each scrape is a connection to the pool: the counter moves.
  const auto second = d.Series();
  EXPECT_GT(At(second, Fpm("accepted_connections_total", pool)), accepted);

  // The wrong path: php-fpm answers 404, so that "pool" is down and the log says why, once.
  EXPECT_EQ(At(second, Fpm("up", "name=\"probe\"")), 0);
  EXPECT_EQ(second.count(Fpm("total_processes", "name=\"probe\"")), 0u);
  EXPECT_TRUE(d.daemon().WaitForLog("php-fpm pool of probe (" + address +
                                    ", /not-status) does not answer: status page answered 4"))
      << d.daemon().Log();
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(d.Scrape());

  // Frozen: the kernel still accepts connections but nobody answers. The scrape waits the 1 s
  // bound, no more, and still answers 200 with up 0.
  const pid_t master = FpmMaster(d);
  ASSERT_GT(master, 0);
  ASSERT_EQ(::kill(-master, SIGSTOP), 0);
  const auto started = std::chrono::steady_clock::now();
  const Http frozen = Request(d.metrics_port(), "GET", "/metrics");
  const auto took = std::chrono::steady_clock::now() - started;
  ::kill(-master, SIGCONT);
  EXPECT_EQ(frozen.status, 200);
  EXPECT_GE(took, std::chrono::milliseconds(1000));
  EXPECT_LT(took, std::chrono::milliseconds(3000));
  const auto frozen_series = testing::ParseSeries(frozen.body);
  EXPECT_EQ(At(frozen_series, Fpm("up", pool)), 0) << frozen.body;
  EXPECT_EQ(frozen_series.count(Fpm("accepted_connections_total", pool)), 0u);
  EXPECT_TRUE(d.daemon().WaitForLog("php-fpm pool of php-fpm (" + address +
                                    ", /status) does not answer: no answer within 1000 ms"));
  ASSERT_TRUE(d.WaitValue(Fpm("up", pool), 1)) << d.Scrape();
  EXPECT_TRUE(
      d.daemon().WaitForLog("php-fpm pool of php-fpm (" + address + ", /status) answers again"));

  // Stopped through the API: up 0, no figures, the scrape still 200.
  ASSERT_EQ(d.Api("POST", "/api/v1/processes/php-fpm/stop").status, 202);
  ASSERT_TRUE(d.WaitValue(testing::Up("php-fpm", "php-fpm-0"), 0)) << d.Scrape();
  const Http stopped = Request(d.metrics_port(), "GET", "/metrics");
  EXPECT_EQ(stopped.status, 200);
  const auto stopped_series = testing::ParseSeries(stopped.body);
  EXPECT_EQ(At(stopped_series, Fpm("up", pool)), 0) << stopped.body;
  EXPECT_EQ(stopped_series.count(Fpm("total_processes", pool)), 0u);
}

// `{instance_index}` in the address: one pool per instance (each php-fpm listens on its own unix
// socket), series labelled by instance.
TEST(PhpFpmMetrics, OnePoolPerInstanceOnUnixSockets) {
  if (!HavePhpFpm()) GTEST_SKIP() << "php-fpm8.2 not installed (Debian package php8.2-fpm)";
  TempDir dir;
  const std::string config = PoolConfig(dir, dir.path() + "/fpm-${PHPEEK_PM_INSTANCE_INDEX}.sock");
  MetricsDaemon d("  php-fpm:\n" + FpmCommand(dir, config) +
                  "    scale: 2\n"
                  "    php_fpm_status:\n"
                  "      address: \"unix:" +
                  dir.path() +
                  "/fpm-{instance_index}.sock\"\n"
                  "      path: /status\n");
  for (const char* instance : {"php-fpm-0", "php-fpm-1"}) {
    const std::string labels = "name=\"php-fpm\",instance=\"" + std::string(instance) + "\"";
    ASSERT_TRUE(d.WaitValue(Fpm("up", labels), 1)) << d.Scrape() << d.daemon().Log();
    EXPECT_TRUE(d.WaitValue(Fpm("total_processes", labels), 2)) << d.Scrape();
  }
  const auto s = d.Series();
  EXPECT_EQ(s.count(Fpm("up", "name=\"php-fpm\"")), 0u) << "no shared series";
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(d.Scrape());
}

}  // namespace
}  // namespace phpeek::metrics
