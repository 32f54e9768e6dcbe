// Health checks on the real binary with real sockets and scripts: a tcp listener and an http
// server in the test on 127.0.0.1 (port 0), exec scripts that pass or fail by a file. The test
// decides when a check passes, and watches the daemon's log and the processes it runs.
#include <signal.h>
#include <unistd.h>

#include <memory>

#include "tests/integration/supervision/harness.h"
#include "tests/support/canned_server.h"

namespace phpeek::testing {
namespace {

// Pids of the daemon's children that belong to `process` (exec probes would count too: the tests
// that use this check over sockets).
std::vector<pid_t> Instances(const Daemon& daemon, const std::string& process) {
  std::vector<pid_t> out;
  for (pid_t child : ChildrenOf(daemon.pid())) {
    const auto env = EnvironOf(child);
    const auto name = env.find("PHPEEK_PM_PROCESS_NAME");
    if (name != env.end() && name->second == process) out.push_back(child);
  }
  return out;
}

std::string Check(const std::string& body) {
  return "    health_check:\n" + body +
         "      initial_delay: 100ms\n      period: 200ms\n      timeout: 500ms\n";
}

TEST(HealthChecksTest, TcpCheckPassesWhileTheTestListens) {
  auto listener = std::make_unique<CannedServer>(CannedServer::Mode::kCloseAtOnce);
  auto s = StartDaemon(Yaml("  web:\n    command: [\"sleep\", \"60\"]\n" +
                            Check("      type: tcp\n      address: 127.0.0.1:" +
                                  std::to_string(listener->port()) + "\n")));
  ASSERT_TRUE(s.daemon->WaitForLog("process healthy process=web instance=web-0 check=tcp"))
      << s.daemon->Log();
  const auto pids = Instances(*s.daemon, "web");
  ASSERT_EQ(pids.size(), 1u);
  listener.reset();  // the port now refuses: 3 failures (the default), then a restart
  ASSERT_TRUE(s.daemon->WaitForLog(
      "process unhealthy process=web instance=web-0 check=tcp mode=both "
      "reason=\"connect: Connection refused\" consecutive_failures=3 action=restart"))
      << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog("process=web instance=web-0 reason=health_check"))
      << s.daemon->Log();
  EXPECT_TRUE(s.daemon->LogContains("stopping process process=web instance=web-0 pid=" +
                                    std::to_string(pids[0]) + " signal=SIGTERM"));
  ASSERT_TRUE(WaitUntil([&] {
    const auto now = Instances(*s.daemon, "web");
    return now.size() == 1 && now[0] != pids[0];
  })) << s.daemon->Log();
  EXPECT_FALSE(ProcessExists(pids[0]));
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

// The original's "graceful" stop of an unhealthy instance was a SIGKILL of the leader only. Here
// its whole group gets its stop signal, then SIGKILL after its timeout.
TEST(HealthChecksTest, LivenessStopUsesTheGroupTheStopSignalAndTheTimeout) {
  TempDir dir;
  const std::string got = dir.Join("got");
  auto s = StartDaemon(
      Yaml("  keep:\n    command: [\"sleep\", \"60\"]\n"
           "  web:\n"
           "    command: \"sh -c 'trap \\\"echo child-usr1 >> " +
           got + "\\\" USR1; while :; do sleep 0.05; done' & trap 'echo leader-usr1 >> " + got +
           "' USR1; echo up; while :; do sleep 0.05; done\"\n"
           "    restart: never\n"
           "    shutdown:\n      signal: SIGUSR1\n      timeout: 1500ms\n" +
           Check("      type: exec\n      command: [\"false\"]\n      failure_threshold: 1\n")));
  ASSERT_TRUE(s.daemon->WaitForLog("reason=\"exit code 1\" consecutive_failures=1 action=restart"))
      << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog("process did not stop in time; sending SIGKILL to its group"))
      << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog("process failed; giving up process=web"))
      << "restart: never keeps it down\n"
      << s.daemon->Log();
  const std::string seen = ReadFile(got);
  EXPECT_NE(seen.find("leader-usr1"), std::string::npos) << seen;
  EXPECT_NE(seen.find("child-usr1"), std::string::npos) << "the whole group: " << seen;
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

// An http check against a server in the test: the exact status passes, anything else fails;
// mode readiness never restarts.
TEST(HealthChecksTest, HttpReadinessCheckNeverRestarts) {
  auto ok = std::make_unique<CannedServer>(CannedServer::Mode::kAnswer,
                                           "HTTP/1.1 204 No Content\r\n\r\n");
  const int port = ok->port();
  auto s = StartDaemon(Yaml("  web:\n    command: [\"sleep\", \"60\"]\n" +
                            Check("      url: http://127.0.0.1:" + std::to_string(port) +
                                  "/health\n      expected_status: 204\n"
                                  "      mode: readiness\n      failure_threshold: 1\n")));
  ASSERT_TRUE(s.daemon->WaitForLog("process healthy process=web instance=web-0 check=http"))
      << s.daemon->Log();
  EXPECT_EQ(ok->last_request().rfind("GET /health HTTP/1.1\r\n", 0), 0u) << ok->last_request();
  const auto pids = Instances(*s.daemon, "web");
  ok.reset();
  ASSERT_TRUE(
      s.daemon->WaitForLog("process unhealthy process=web instance=web-0 check=http "
                           "mode=readiness reason=\"connect: Connection refused\" "
                           "consecutive_failures=1 action=none"))
      << s.daemon->Log();
  EXPECT_EQ(Instances(*s.daemon, "web"), pids);
  EXPECT_FALSE(s.daemon->LogContains("restarting unhealthy process"));
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

// exec: exit 0 passes; the command runs with the instance's environment, {instance_index}
// replaced, once per instance; a run that never became healthy is a quick failure (backoff).
TEST(HealthChecksTest, ExecCheckPerInstanceWithItsIndex) {
  TempDir dir;
  const std::string script =
      dir.Write("check.sh",
                "#!/bin/sh\n"
                "echo \"$PHPEEK_PM_INSTANCE_ID $1\" >> " +
                    dir.Join("calls") +
                    "\n"
                    "test -e " +
                    dir.Join("ok-") + "$1 || { echo \"no ok-$1 here\"; exit 3; }\n");
  chmod(script.c_str(), 0755);
  dir.Write("ok-0", "");
  auto s = StartDaemon(Yaml("  web:\n    command: [\"sleep\", \"60\"]\n    scale: 2\n" +
                            Check("      command: [\"" + script +
                                  "\", \"{instance_index}\"]\n      failure_threshold: 2\n")));
  ASSERT_TRUE(s.daemon->WaitForLog("process healthy process=web instance=web-0 check=exec"))
      << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog(
      "process unhealthy process=web instance=web-1 check=exec mode=both "
      "reason=\"exit code 3: no ok-1 here\" consecutive_failures=2 action=restart"))
      << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog(
      "restart scheduled process=web instance=web-1 reason=health_check delay_ms=100"))
      << s.daemon->Log();
  const std::string calls = ReadFile(dir.Join("calls"));
  EXPECT_NE(calls.find("web-0 0\n"), std::string::npos) << calls;
  EXPECT_NE(calls.find("web-1 1\n"), std::string::npos) << calls;
  EXPECT_FALSE(s.daemon->LogContains("process unhealthy process=web instance=web-0"));
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

}  // namespace
}  // namespace phpeek::testing
