// Readiness on the real binary: the global.readiness file, GET /api/v1/ready and the 503 of
// GET /api/v1/health once a process is given up (rest-api plugin), health and ready in the
// process list, the health-check metric families (metrics plugin), and READY=1 to systemd.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "tests/integration/supervision/harness.h"
#include "tests/support/canned_server.h"
#include "tests/support/fake_notify_socket.h"
#include "tests/support/http_test_client.h"

namespace phpeek::testing {
namespace {

using http::Reply;

// The port of the first "<phrase> http://127.0.0.1:PORT" in the log; 0 until it is there.
int PortAfter(const Daemon& daemon, const std::string& phrase) {
  const std::string log = daemon.Log();
  const size_t at = log.find(phrase + " http://127.0.0.1:");
  if (at == std::string::npos) return 0;
  return std::atoi(log.c_str() + at + phrase.size() + std::string(" http://127.0.0.1:").size());
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// An exec check that passes while `flag` exists.
std::string FlagCheck(const std::string& flag) {
  return "    health_check:\n      command: \"test -e " + flag +
         "\"\n      initial_delay: 0\n      period: 100ms\n      failure_threshold: 1\n"
         "      mode: readiness\n";
}

TEST(ReadinessTest, TheFileExistsExactlyWhileReadyAndGoesAtTheStartOfTheShutdown) {
  TempDir dir;
  const std::string file = dir.Join("run/ready");
  const std::string flag = dir.Join("flag");
  auto s = StartDaemon(
      Yaml("  web:\n    command: [\"sleep\", \"60\"]\n" + FlagCheck(flag) +
               // Takes 3 s to stop: the file must be gone long before the daemon is.
               "  slow:\n    command: \"trap 'sleep 3; exit 0' TERM; while :; do sleep 0.05; "
               "done\"\n",
           "  readiness:\n    enabled: true\n    path: " + file + "\n"));
  ASSERT_TRUE(s.daemon->WaitForLog("process unhealthy process=web")) << s.daemon->Log();
  EXPECT_FALSE(Exists(file));
  dir.Write("flag", "");
  ASSERT_TRUE(WaitUntil([&] { return Exists(file); })) << s.daemon->Log();
  const std::string text = ReadFile(file);
  EXPECT_EQ(text.rfind("ready\ntimestamp=", 0), 0u) << text;
  EXPECT_TRUE(s.daemon->WaitForLog("ready: every tracked process is ready"));
  unlink(flag.c_str());
  ASSERT_TRUE(WaitUntil([&] { return !Exists(file); })) << s.daemon->Log();
  EXPECT_TRUE(s.daemon->WaitForLog("not ready waiting_for=web"));
  dir.Write("flag", "");
  ASSERT_TRUE(WaitUntil([&] { return Exists(file); })) << s.daemon->Log();
  s.daemon->Signal(SIGTERM);
  ASSERT_TRUE(WaitUntil([&] { return !Exists(file); }, std::chrono::milliseconds(2000)))
      << s.daemon->Log();
  EXPECT_TRUE(ProcessExists(s.daemon->pid())) << "removed at the start of the shutdown";
  EXPECT_EQ(s.daemon->WaitExit(), 0);
  EXPECT_EQ(RunCommand({"ls", "-A", dir.Join("run")}).out, "") << "no temporary file left";
}

TEST(ReadinessTest, ApiReadyHealthAndProcessFields) {
  TempDir dir;
  const std::string flag = dir.Join("flag");
  auto s = StartDaemon(
      Yaml("  web:\n    command: [\"sleep\", \"60\"]\n" + FlagCheck(flag) +
               "  flaky:\n    command: \"sleep 0.3; exit 1\"\n    initial_state: stopped\n",
           "  api_enabled: true\n  api_port: 0\n  api_auth: s3cret\n"
           "  max_restart_attempts: 1\n  readiness:\n    processes: [web]\n"));
  int port = 0;
  ASSERT_TRUE(WaitUntil([&] {
    return (port = PortAfter(*s.daemon, "Management API listening on")) > 0;
  })) << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog("process unhealthy process=web")) << s.daemon->Log();
  Reply r = http::Request(port, "GET", "/api/v1/ready");  // no token: public, like /health
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"status":"not ready","waiting":["web"]})");
  dir.Write("flag", "");
  ASSERT_TRUE(WaitUntil([&] { return http::Request(port, "GET", "/api/v1/ready").status == 200; }))
      << s.daemon->Log();
  EXPECT_EQ(http::Request(port, "GET", "/api/v1/ready").body, R"({"status":"ready"})");
  const std::map<std::string, std::string> auth = {{"Authorization", "Bearer s3cret"}};
  r = http::Request(port, "GET", "/api/v1/processes/web", "", auth);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("restart_count":0,"health":"healthy","ready":true})"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"("scale":1,"ready":true,"instances")"), std::string::npos) << r.body;
  r = http::Request(port, "GET", "/api/v1/processes/flaky", "", auth);
  EXPECT_NE(r.body.find(R"("restart_count":0,"ready":false})"), std::string::npos)
      << "no health key without a check: " << r.body;

  // The issue's complaint: /health stayed 200 while a process was given up.
  EXPECT_EQ(http::Request(port, "GET", "/api/v1/health").status, 200);
  ASSERT_EQ(http::Request(port, "POST", "/api/v1/processes/flaky/start", "", auth).status, 202);
  ASSERT_TRUE(s.daemon->WaitForLog("process failed; giving up process=flaky")) << s.daemon->Log();
  ASSERT_TRUE(
      WaitUntil([&] { return http::Request(port, "GET", "/api/v1/health").status == 503; }));
  EXPECT_EQ(http::Request(port, "GET", "/api/v1/health").body,
            R"({"status":"unhealthy","failed":["flaky"]})");
  EXPECT_EQ(http::Request(port, "GET", "/api/v1/ready").status, 200) << "flaky is not tracked";
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

TEST(ReadinessTest, HealthCheckMetricFamiliesAndRestartReason) {
  CannedServer listener(CannedServer::Mode::kCloseAtOnce);
  auto s = StartDaemon(
      Yaml("  web:\n    command: [\"sleep\", \"60\"]\n    health_check:\n      type: tcp\n"
           "      address: 127.0.0.1:" +
               std::to_string(listener.port()) +
               "\n      initial_delay: 0\n      period: 100ms\n"
               "  worker:\n    command: [\"sleep\", \"60\"]\n    health_check:\n      command: "
               "\"false\"\n"
               "      initial_delay: 0\n      period: 100ms\n      failure_threshold: 1\n",
           "  metrics_enabled: true\n  metrics_port: 0\n"));
  int port = 0;
  ASSERT_TRUE(WaitUntil([&] {
    return (port = PortAfter(*s.daemon, "serving Prometheus metrics on")) > 0;
  })) << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog("restarting unhealthy process process=worker"))
      << s.daemon->Log();
  const std::string web = "name=\"web\",type=\"tcp\",instance=\"web-0\"";
  std::string text;
  ASSERT_TRUE(WaitUntil([&] {
    text = http::Request(port, "GET", "/metrics").body;
    return text.find("phpeek_pm_health_check_status{" + web + "} 1\n") != std::string::npos &&
           text.find(
               "phpeek_pm_process_restarts_total{name=\"worker\",reason=\"health_check\"} ") !=
               std::string::npos &&
           text.find(
               "phpeek_pm_process_restarts_total{name=\"worker\",reason=\"health_check\"} 0\n") ==
               std::string::npos;
  })) << text;
  EXPECT_NE(text.find("phpeek_pm_health_check_total{" + web + ",status=\"success\"} "),
            std::string::npos);
  EXPECT_NE(text.find("phpeek_pm_health_check_duration_seconds_bucket{" + web + ",le=\"+Inf\"} "),
            std::string::npos);
  EXPECT_NE(
      text.find("phpeek_pm_health_check_consecutive_fails{name=\"web\",instance=\"web-0\"} 0\n"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "phpeek_pm_health_check_status{name=\"worker\",type=\"exec\",instance=\"worker-0\"} 0\n"),
      std::string::npos)
      << text;
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

// systemd: with readiness enabled, READY=1 waits until the tracked processes are ready.
TEST(ReadinessTest, ReadyToSystemdWaitsForReadiness) {
  FakeNotifySocket systemd;
  TempDir dir;
  const std::string flag = dir.Join("flag");
  auto s =
      StartDaemon(Yaml("  web:\n    command: [\"sleep\", \"60\"]\n" + FlagCheck(flag),
                       "  readiness:\n    enabled: true\n    path: " + dir.Join("ready") + "\n"),
                  {{"NOTIFY_SOCKET", systemd.path()}});
  ASSERT_TRUE(s.daemon->WaitForLog("process unhealthy process=web")) << s.daemon->Log();
  // Spawned and probed, yet not ready: nothing was sent.
  EXPECT_EQ(systemd.Receive(1), "");  // (0 would wait forever: SO_RCVTIMEO)
  dir.Write("flag", "");
  const std::string ready = systemd.Receive(5000);
  EXPECT_EQ(ready.rfind("READY=1\n", 0), 0u) << ready << "\n" << s.daemon->Log();
  EXPECT_TRUE(Exists(dir.Join("ready")));
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
  EXPECT_EQ(systemd.Receive(2000), "STOPPING=1");
}

}  // namespace
}  // namespace phpeek::testing
