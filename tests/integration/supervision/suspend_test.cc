// An instance whose process is stopped (SIGSTOP, SIGTSTP) is shown as "suspended" through the
// Management API, and a stop, restart or shutdown sends SIGCONT after the stop signal, so that it
// ends at once instead of after the whole stop timeout.
#include <signal.h>

#include <chrono>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

using Steady = std::chrono::steady_clock;

struct ApiStarted {
  Started s;
  std::string url;
};

ApiStarted StartWithApi(const std::string& processes) {
  const int port = FreePort();
  ApiStarted a;
  a.url = "http://127.0.0.1:" + std::to_string(port);
  a.s = StartDaemon(
      Yaml(processes, "  api_enabled: true\n  api_port: " + std::to_string(port) + "\n"));
  return a;
}

// The daemon's children that already run `sleep`. One still on its way to exec shares the daemon's
// memory until then (vfork): stopped there, it would hold the daemon's spawn with it.
std::vector<pid_t> SleepingChildren(pid_t daemon) {
  std::vector<pid_t> out;
  for (pid_t k : ChildrenOf(daemon)) {
    if (ReadFile("/proc/" + std::to_string(k) + "/comm") == "sleep\n") out.push_back(k);
  }
  return out;
}

std::string Status(const ApiStarted& a) {
  return RunCommand({BinaryPath(), "status", "--json", "--url", a.url}).out;
}

std::string InstanceJson(const std::string& id, const std::string& state) {
  return "{\"id\":\"" + id + "\",\"state\":\"" + state + "\"";
}

TEST(SuspendTest, StoppedInstanceIsShownSuspendedUntilContinued) {
  auto a = StartWithApi("  app:\n    command: [\"sleep\", \"60\"]\n");
  ASSERT_TRUE(a.s.daemon->WaitForLog("Management API listening")) << a.s.daemon->Log();
  std::vector<pid_t> kids;
  ASSERT_TRUE(WaitUntil([&] { return (kids = SleepingChildren(a.s.daemon->pid())).size() == 1; }));
  ASSERT_TRUE(WaitUntil(
      [&] { return Status(a).find(InstanceJson("app-0", "running")) != std::string::npos; }));
  kill(kids[0], SIGSTOP);
  ASSERT_TRUE(a.s.daemon->WaitForLog("process suspended process=app instance=app-0"))
      << a.s.daemon->Log();
  std::string status;
  EXPECT_TRUE(WaitUntil([&] {
    status = Status(a);
    return status.find(InstanceJson("app-0", "suspended")) != std::string::npos;
  })) << status;
  EXPECT_NE(status.find("\"name\":\"app\",\"state\":\"degraded\""), std::string::npos) << status;
  kill(kids[0], SIGCONT);
  ASSERT_TRUE(a.s.daemon->WaitForLog("process resumed process=app instance=app-0"))
      << a.s.daemon->Log();
  EXPECT_TRUE(WaitUntil([&] {
    status = Status(a);
    return status.find(InstanceJson("app-0", "running")) != std::string::npos;
  })) << status;
}

// A 30 s stop timeout: without SIGCONT every one of these would wait for it, then SIGKILL.
TEST(SuspendTest, StopRestartAndShutdownOfSuspendedInstancesDoNotWaitForTheTimeout) {
  auto a = StartWithApi(R"(  web:
    command: ["sleep", "60"]
    shutdown:
      timeout: 30s
  worker:
    command: ["sleep", "61"]
    shutdown:
      timeout: 30s
)");
  ASSERT_TRUE(a.s.daemon->WaitForLog("Management API listening")) << a.s.daemon->Log();
  const pid_t d = a.s.daemon->pid();
  std::vector<pid_t> kids;
  ASSERT_TRUE(WaitUntil([&] { return (kids = SleepingChildren(d)).size() == 2; }));
  for (pid_t k : kids) kill(k, SIGSTOP);
  ASSERT_TRUE(WaitUntil([&] { return Count(a.s.daemon->Log(), "process suspended") == 2; }))
      << a.s.daemon->Log();

  auto t0 = Steady::now();
  auto r =
      RunCommand({BinaryPath(), "restart", "web", "--wait", "--timeout", "20", "--url", a.url});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << a.s.daemon->Log();
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(5000));

  // The new web instance is stopped too, then stopped through the API.
  pid_t web = 0;
  ASSERT_TRUE(WaitUntil([&] {
    for (pid_t k : SleepingChildren(d)) {
      if (std::find(kids.begin(), kids.end(), k) == kids.end()) web = k;
    }
    return web > 0;
  }));
  kill(web, SIGSTOP);
  ASSERT_TRUE(WaitUntil([&] { return Count(a.s.daemon->Log(), "process suspended") == 3; }));
  t0 = Steady::now();
  r = RunCommand({BinaryPath(), "stop", "web", "--wait", "--timeout", "20", "--url", a.url});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << a.s.daemon->Log();
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(5000));
  EXPECT_FALSE(ProcessExists(web));

  // worker is still suspended: the shutdown ends it at once too.
  t0 = Steady::now();
  a.s.daemon->Signal(SIGTERM);
  EXPECT_EQ(a.s.daemon->WaitExit(), 0) << a.s.daemon->Log();
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(5000));
  EXPECT_FALSE(a.s.daemon->LogContains("did not stop in time")) << a.s.daemon->Log();
  for (pid_t k : kids) EXPECT_FALSE(ProcessExists(k));
}

}  // namespace
}  // namespace phpeek::testing
