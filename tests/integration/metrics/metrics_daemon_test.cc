// The metrics plugin inside the real daemon: real children, real HTTP scrapes on 127.0.0.1 (the
// port the daemon picked for `metrics_port: 0`, read from its log), the REST API plugin as the
// control path for scale and restart, kill -9 from outside, promtool on what was scraped.
#include "tests/integration/metrics/metrics_daemon.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_support.h"
#include "tests/unit/metrics/promtool_check.h"

namespace phpeek::metrics {
namespace {

using phpeek::testing::Daemon;
using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;
using testing::Http;
using testing::MetricsDaemon;
using testing::Request;
using testing::Restarts;
using testing::Up;

testing::MetricsDaemonOptions WithApi(const std::string& extra_globals = "") {
  testing::MetricsDaemonOptions options;
  options.api = true;
  options.extra_globals = extra_globals;
  return options;
}

const char* kWeb =
    "  web:\n    command: [\"sh\", \"-c\", \"sleep 600 & sleep 600 & wait\"]\n    scale: 2\n";

TEST(MetricsDaemon, ServesEveryInstanceWithGroupResourcesAndPassesPromtool) {
  MetricsDaemon d(kWeb);
  ASSERT_TRUE(d.WaitValue(Up("web", "web-0"), 1)) << d.Scrape() << d.daemon().Log();
  ASSERT_TRUE(d.WaitValue(Up("web", "web-1"), 1));
  const Http h = Request(d.metrics_port(), "GET", "/metrics");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(Request(d.metrics_port(), "GET", "/health").status, 200);
  EXPECT_EQ(Request(d.metrics_port(), "GET", "/nope").status, 404);

  // Each group is sh + two sleeps, so three members' descriptors and memory are summed.
  ASSERT_TRUE(WaitUntil([&] {
    const auto s = d.Series();
    return s.count("phpeek_pm_process_file_descriptors{process=\"web\",instance=\"web-1\"}") &&
           s.at("phpeek_pm_process_file_descriptors{process=\"web\",instance=\"web-1\"}") >= 9;
  })) << d.Scrape();
  const auto s = d.Series();
  EXPECT_EQ(s.at("phpeek_pm_process_desired_scale{name=\"web\"}"), 2);
  EXPECT_EQ(s.at("phpeek_pm_process_current_scale{name=\"web\"}"), 2);
  EXPECT_EQ(s.at("phpeek_pm_manager_process_count"), 1);
  EXPECT_EQ(s.at("phpeek_pm_build_info{version=\"0.1.0\"}"), 1);
  EXPECT_GT(s.at("phpeek_pm_process_memory_bytes{process=\"web\",instance=\"web-0\",type=\"rss\"}"),
            3 * 100 * 1024);
  EXPECT_EQ(s.count("phpeek_pm_process_cpu_seconds_total{process=\"web\",instance=\"web-0\"}"), 1u);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_NEAR(s.at("phpeek_pm_manager_start_time_seconds"), now, 120);
  EXPECT_NEAR(s.at("phpeek_pm_process_start_time_seconds{name=\"web\",instance=\"web-0\"}"), now,
              120);
  for (const char* reason : {"crash", "normal_exit", "health_check", "manual"}) {
    EXPECT_EQ(s.at(Restarts("web", reason)), 0) << reason;
  }
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(d.Scrape());
}

// Whether the respawn waits (a quick failure: backoff) or comes at once (a stable run) is the
// core's restart rule; either way the scrapes stay consistent and count one crash.
TEST(MetricsDaemon, KillNineCountsACrashRestartAndKeepsTheExitCode) {
  MetricsDaemon d(kWeb);
  ASSERT_TRUE(d.WaitValue(Up("web", "web-0"), 1)) << d.daemon().Log();
  ASSERT_TRUE(d.WaitValue(Up("web", "web-1"), 1));
  const pid_t victim = d.PidOf("web-0");
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  const std::string current = "phpeek_pm_process_current_scale{name=\"web\"}";
  std::map<std::string, double> s;
  ASSERT_TRUE(WaitUntil(
      [&] {
        s = d.Series();
        if (s[Up("web", "web-0")] == 0) {  // down meanwhile: one instance running
          EXPECT_EQ(s[current], 1);
        }
        return s[Restarts("web", "crash")] == 1 && s[Up("web", "web-0")] == 1 && s[current] == 2;
      },
      std::chrono::seconds(15)))
      << d.Scrape() << d.daemon().Log();
  EXPECT_EQ(s.at("phpeek_pm_process_last_exit_code{name=\"web\",instance=\"web-0\"}"), 137);
  EXPECT_EQ(s.at(Restarts("web", "manual")), 0);
  EXPECT_EQ(s.at(Up("web", "web-1")), 1);  // the other instance never went down
  EXPECT_NE(d.PidOf("web-0"), victim);
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(d.Scrape());
}

TEST(MetricsDaemon, ScaleThroughTheApiChangesScalesAndDropsRemovedSeries) {
  MetricsDaemon d(kWeb + std::string("    max_scale: 5\n"), WithApi());
  ASSERT_TRUE(d.WaitValue(Up("web", "web-1"), 1)) << d.daemon().Log();
  ASSERT_EQ(d.Api("POST", "/api/v1/processes/web/scale", R"({"scale": 3})").status, 202);
  ASSERT_TRUE(d.WaitValue(Up("web", "web-2"), 1)) << d.Scrape();
  EXPECT_TRUE(d.WaitValue("phpeek_pm_process_current_scale{name=\"web\"}", 3));
  EXPECT_EQ(d.Value("phpeek_pm_process_desired_scale{name=\"web\"}"), 3);

  ASSERT_EQ(d.Api("POST", "/api/v1/processes/web/scale", R"({"scale": 1})").status, 202);
  EXPECT_TRUE(d.WaitValue("phpeek_pm_process_desired_scale{name=\"web\"}", 1));
  ASSERT_TRUE(WaitUntil([&] {
    const std::string text = d.Scrape();
    return text.find("web-1") == std::string::npos && text.find("web-2") == std::string::npos;
  })) << d.Scrape();
  const auto s = d.Series();
  EXPECT_EQ(s.at("phpeek_pm_process_current_scale{name=\"web\"}"), 1);
  EXPECT_EQ(s.at(Up("web", "web-0")), 1);
  // Scale-down is intentional: no restart of any kind.
  for (const char* reason : {"crash", "normal_exit", "manual"}) {
    EXPECT_EQ(s.at(Restarts("web", reason)), 0) << reason;
  }
}

TEST(MetricsDaemon, ApiRestartCountsManualRestartsLikeTheApiRestartCount) {
  MetricsDaemon d(kWeb, WithApi());
  ASSERT_TRUE(d.WaitValue(Up("web", "web-1"), 1)) << d.daemon().Log();
  const pid_t before0 = d.PidOf("web-0");
  const pid_t before1 = d.PidOf("web-1");
  ASSERT_EQ(d.Api("POST", "/api/v1/processes/web/restart").status, 202);
  ASSERT_TRUE(d.WaitValue(Restarts("web", "manual"), 2)) << d.Scrape() << d.daemon().Log();
  EXPECT_TRUE(WaitUntil([&] {
    return d.PidOf("web-0") != before0 && d.PidOf("web-1") != before1 &&
           d.Value("phpeek_pm_process_current_scale{name=\"web\"}") == 2;
  }));
  EXPECT_EQ(d.Value(Restarts("web", "crash")), 0);
  const std::string api = d.Api("GET", "/api/v1/processes/web").body;
  EXPECT_NE(api.find("\"restart_count\":1"), std::string::npos) << api;
}

TEST(MetricsDaemon, CleanExitsCountAsNormalExit) {
  MetricsDaemon d("  tick:\n    command: [\"sleep\", \"0.3\"]\n");
  ASSERT_TRUE(WaitUntil([&] { return d.Value(Restarts("tick", "normal_exit")).value_or(0) >= 1; },
                        std::chrono::seconds(20)))
      << d.Scrape() << d.daemon().Log();
  EXPECT_EQ(d.Value("phpeek_pm_process_last_exit_code{name=\"tick\",instance=\"tick-0\"}"), 0);
  EXPECT_EQ(d.Value(Restarts("tick", "crash")), 0);
}

TEST(MetricsDaemon, BadMetricsPathStopsTheDaemonWithTheKeyNamed) {
  TempDir dir;
  const std::string config =
      dir.Write("phpeek-pm.yaml",
                "global:\n  api_enabled: false\n  metrics_enabled: true\n  metrics_port: 0\n"
                "  metrics_path: metrics\nprocesses:\n  web:\n    command: [\"sleep\", \"600\"]\n");
  Daemon daemon({"serve", "-c", config});
  EXPECT_EQ(daemon.WaitExit(), 1) << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("global.metrics_path")) << daemon.Log();
}

std::string Desired(const std::string& name) {
  return "phpeek_pm_process_desired_scale{name=\"" + name + "\"}";
}
std::string Current(const std::string& name) {
  return "phpeek_pm_process_current_scale{name=\"" + name + "\"}";
}

// "current < desired" must mean something is wrong: what the supervisor does not mean to run
// (disabled, held by initial_state or a stop command, a scheduled job waiting for its run, a
// oneshot that completed) is not desired; an instance given up after failures still is.
TEST(MetricsDaemon, DesiredScaleCountsOnlyWhatTheSupervisorMeansToRun) {
  MetricsDaemon d(
      "  web:\n    command: [\"sleep\", \"600\"]\n    scale: 2\n"
      "  off:\n    command: [\"sleep\", \"600\"]\n    enabled: false\n"
      "  held:\n    command: [\"sleep\", \"600\"]\n    initial_state: stopped\n    scale: 2\n"
      "  job:\n    command: [\"true\"]\n    schedule: \"*/5 * * * *\"\n"
      "  once:\n    command: [\"true\"]\n    type: oneshot\n"
      "  broken:\n    command: [\"false\"]\n",
      WithApi("  max_restart_attempts: 1\n"));
  ASSERT_TRUE(d.WaitValue(Current("web"), 2)) << d.Scrape() << d.daemon().Log();
  ASSERT_TRUE(d.WaitValue(Desired("once"), 0)) << d.Scrape();
  ASSERT_TRUE(WaitUntil([&] {
    return d.Api("GET", "/api/v1/processes/broken").body.find("\"failed\"") != std::string::npos;
  })) << d.Api("GET", "/api/v1/processes/broken").body;
  auto s = d.Series();
  EXPECT_EQ(s.at(Desired("web")), 2);
  EXPECT_EQ(s.at(Desired("off")), 0);
  EXPECT_EQ(s.at(Desired("held")), 0);
  EXPECT_EQ(s.at(Desired("job")), 0);
  EXPECT_EQ(s.at(Desired("once")), 0);
  EXPECT_EQ(s.at(Desired("broken")), 1);  // given up: current 0 < desired 1 is the alert we want
  EXPECT_EQ(s.at(Current("broken")), 0);

  // A stop command holds the process: nothing is desired until a start.
  ASSERT_EQ(d.Api("POST", "/api/v1/processes/web/stop").status, 202);
  EXPECT_TRUE(d.WaitValue(Desired("web"), 0)) << d.Scrape();
  EXPECT_TRUE(d.WaitValue(Current("web"), 0)) << d.Scrape();
  ASSERT_EQ(d.Api("POST", "/api/v1/processes/held/start").status, 202);
  EXPECT_TRUE(d.WaitValue(Current("held"), 2)) << d.Scrape();
  EXPECT_EQ(d.Value(Desired("held")), 2);
}

// Names are case-sensitive and may hold capitals, dots and dashes; the labels carry them as they
// are.
TEST(MetricsDaemon, NamesWithCapitalsAppearAsTheyAre) {
  MetricsDaemon d(
      "  stubA:\n    command: [\"sleep\", \"600\"]\n"
      "  Queue.Default-2:\n    command: [\"sleep\", \"600\"]\n");
  if (d.metrics_port() == 0 && d.daemon().LogContains("invalid process name 'stubA'")) {
    GTEST_SKIP() << "the core's config validator refuses capitals (issue 10, item 4, core/config)";
  }
  ASSERT_TRUE(d.WaitValue(Up("stubA", "stubA-0"), 1)) << d.Scrape() << d.daemon().Log();
  ASSERT_TRUE(d.WaitValue(Up("Queue.Default-2", "Queue.Default-2-0"), 1)) << d.Scrape();
  const auto s = d.Series();
  EXPECT_EQ(s.at(Desired("stubA")), 1);
  EXPECT_EQ(s.at(Current("Queue.Default-2")), 1);
  EXPECT_EQ(s.count("phpeek_pm_process_memory_bytes{process=\"stubA\",instance=\"stubA-0\","
                    "type=\"rss\"}"),
            1u)
      << d.Scrape();
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(d.Scrape());
}

// metrics_port: 0 binds a free port and the log line says which, as host:port.
TEST(MetricsDaemon, PortZeroBindsAFreePortAndLogsTheAddress) {
  MetricsDaemon a("  web:\n    command: [\"sleep\", \"600\"]\n");
  MetricsDaemon b("  web:\n    command: [\"sleep\", \"600\"]\n");
  ASSERT_GT(a.metrics_port(), 0) << a.daemon().Log();
  ASSERT_GT(b.metrics_port(), 0) << b.daemon().Log();
  EXPECT_NE(a.metrics_port(), b.metrics_port());
  EXPECT_TRUE(a.daemon().LogContains("serving Prometheus metrics on http://127.0.0.1:" +
                                     std::to_string(a.metrics_port()) + "/metrics"))
      << a.daemon().Log();
  EXPECT_EQ(Request(a.metrics_port(), "GET", "/health").status, 200);
  EXPECT_EQ(Request(b.metrics_port(), "GET", "/health").status, 200);
}

// The instance ids of a scrape's series of `family`, whose labels start with `key`="web".
std::set<std::string> WebInstancesOf(const std::map<std::string, double>& series,
                                     const std::string& family, const std::string& key) {
  const std::string prefix = family + "{" + key + "=\"web\",instance=\"";
  std::set<std::string> ids;
  for (auto it = series.lower_bound(prefix); it != series.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    ids.insert(it->first.substr(prefix.size(), it->first.find('"', prefix.size()) - prefix.size()));
  }
  return ids;
}

// What is wrong with one scrape of `web` (empty: nothing): resource series of an instance it does
// not list, or (once no process is being stopped: `settled`) a running instance without them. The
// groups a scrape reads from /proc must be those of the list it publishes.
std::string ScrapeMismatch(const std::map<std::string, double>& s, bool settled) {
  const std::set<std::string> listed = WebInstancesOf(s, "phpeek_pm_process_up", "name");
  for (const char* family :
       {"phpeek_pm_process_cpu_seconds_total", "phpeek_pm_process_memory_bytes",
        "phpeek_pm_process_file_descriptors"}) {
    const std::set<std::string> with = WebInstancesOf(s, family, "process");
    for (const std::string& id : with) {
      if (listed.count(id) == 0) return std::string(family) + " of unlisted " + id;
    }
    for (const std::string& id : listed) {
      if (settled && s.at(Up("web", id)) == 1 && with.count(id) == 0) {
        return std::string("no ") + family + " for running " + id;
      }
    }
  }
  return "";
}

// The plugin derives the groups to read and the instance ids again only when the host's process
// list changes: after scale-up, an API restart, kill -9 and scale-down, the first scrape that
// lists the new processes has their resource series, and none has series of removed instances.
TEST(MetricsDaemon, EveryScrapeReadsTheGroupsOfTheListItPublishes) {
  MetricsDaemon d(kWeb + std::string("    max_scale: 5\n"), WithApi());
  const std::vector<std::string> ids = {"web-0", "web-1", "web-2", "web-3"};
  // Runs `action`, waits (in /proc, not in scrapes) until each of `renewed` runs a new process,
  // then scrapes until `running` instances are up; every scrape is checked.
  const auto step = [&](const std::function<void()>& action,
                        const std::vector<std::string>& renewed, size_t running) {
    std::map<std::string, pid_t> old;
    for (const std::string& id : renewed) old[id] = d.PidOf(id);
    bool settled = false;
    std::string mismatch;
    const auto scrape_until_up = [&] {
      const auto s = d.Series();
      if (mismatch.empty()) mismatch = ScrapeMismatch(s, settled);
      size_t up = 0;
      for (const std::string& id : WebInstancesOf(s, "phpeek_pm_process_up", "name")) {
        up += s.at(Up("web", id)) == 1;
      }
      return up == running && s.at(Current("web")) == running;
    };
    action();
    ASSERT_TRUE(WaitUntil([&] {
      (void)scrape_until_up();  // scrapes during the change: nothing unlisted
      for (const auto& [id, pid] : old) {
        const pid_t now = d.PidOf(id);
        if (now <= 0 || now == pid) return false;
      }
      return true;
    })) << d.daemon().Log();
    settled = true;
    EXPECT_TRUE(WaitUntil(scrape_until_up)) << d.Scrape();
    EXPECT_EQ(mismatch, "") << d.Scrape();
  };
  step([] {}, {}, 2);
  step(
      [&] {
        ASSERT_EQ(d.Api("POST", "/api/v1/processes/web/scale", R"({"scale": 4})").status, 202);
      },
      {"web-2", "web-3"}, 4);
  step([&] { ASSERT_EQ(d.Api("POST", "/api/v1/processes/web/restart").status, 202); }, ids, 4);
  step([&] { ASSERT_EQ(::kill(-d.PidOf("web-1"), SIGKILL), 0); }, {"web-1"}, 4);
  step(
      [&] {
        ASSERT_EQ(d.Api("POST", "/api/v1/processes/web/scale", R"({"scale": 1})").status, 202);
      },
      {}, 1);
  // Scaled-down instances stay listed (up 0) until their processes have exited, each in its own
  // time: wait for the list to shrink, checking every scrape on the way.
  std::string mismatch;
  EXPECT_TRUE(WaitUntil([&] {
    const auto s = d.Series();
    if (mismatch.empty()) mismatch = ScrapeMismatch(s, true);
    return WebInstancesOf(s, "phpeek_pm_process_up", "name") == std::set<std::string>{"web-0"};
  })) << d.Scrape();
  EXPECT_EQ(mismatch, "") << d.Scrape();
}

}  // namespace
}  // namespace phpeek::metrics
