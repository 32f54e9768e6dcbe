// The restart rule of configuration.md on the real binary: a clean exit is not a failure, a run of
// at least min_uptime was stable, quick failures back off and are given up.
#include <signal.h>

#include <chrono>
#include <thread>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

using Steady = std::chrono::steady_clock;

// A worker that ends cleanly every 100 ms (a queue worker with --max-jobs) restarts at once, every
// time, and is never given up, however often it passes max_restart_attempts.
TEST(RestartRuleTest, CleanExitsRestartAtOnceAndAreNeverGivenUp) {
  auto s = StartDaemon(Yaml("  worker:\n    command: \"sleep 0.1; exit 0\"\n",
                            "  max_restart_attempts: 3\n  restart_backoff_initial: 1s\n"));
  ASSERT_TRUE(
      WaitUntil([&] { return Count(s.daemon->Log(), "process spawned process=worker") >= 20; },
                std::chrono::milliseconds(20000)))
      << s.daemon->Log();
  const std::string log = s.daemon->Log();
  EXPECT_EQ(Count(log, "restart scheduled"), 0u) << log;
  EXPECT_EQ(Count(log, "giving up"), 0u) << log;
  EXPECT_GE(Count(log, "restarting process process=worker instance=worker-0 reason=normal_exit"),
            19u)
      << log;
  EXPECT_TRUE(s.daemon->running());
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

// The same worker failing every 100 ms backs off and is given up after max_restart_attempts.
TEST(RestartRuleTest, QuickFailuresBackOffAndAreGivenUp) {
  auto s = StartDaemon(
      Yaml("  worker:\n    command: \"sleep 0.1; exit 1\"\n", "  max_restart_attempts: 3\n"));
  EXPECT_EQ(s.daemon->WaitExit(), 1) << s.daemon->Log();  // all ended, badly
  const std::string log = s.daemon->Log();
  EXPECT_EQ(Count(log, "process spawned process=worker"), 3u) << log;
  EXPECT_EQ(Count(log, "restart scheduled process=worker instance=worker-0 reason=exit_code"), 2u)
      << log;
  EXPECT_NE(log.find("process failed; giving up process=worker instance=worker-0 "
                     "consecutive_failures=3"),
            std::string::npos)
      << log;
}

pid_t OnlyChildRunning(pid_t daemon, const std::string& process, const std::string& comm) {
  for (pid_t p : ChildrenOf(daemon)) {
    if (ReadFile("/proc/" + std::to_string(p) + "/comm") == comm + "\n" &&
        EnvironOf(p)["PHPEEK_PM_PROCESS_NAME"] == process) {
      return p;
    }
  }
  return 0;
}

// kill -9 of an instance that ran 1.5 s: past the default min_uptime (1 s) it was stable and is
// replaced at once; a process with min_uptime: 3s waits for its backoff instead.
TEST(RestartRuleTest, RunLongerThanMinUptimeIsReplacedAtOnce) {
  auto s = StartDaemon(Yaml(R"(  fast:
    command: ["sleep", "60"]
  slow:
    command: ["sleep", "61"]
    min_uptime: 3s
)",
                            "  restart_backoff_initial: 2s\n"));
  const pid_t d = s.daemon->pid();
  pid_t fast = 0, slow = 0;
  ASSERT_TRUE(WaitUntil([&] {
    fast = OnlyChildRunning(d, "fast", "sleep");
    slow = OnlyChildRunning(d, "slow", "sleep");
    return fast > 0 && slow > 0;
  })) << s.daemon->Log();
  // The uptime is what is under test: both must have run 1.5 s (the spawns precede this point).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto t0 = Steady::now();
  kill(fast, SIGKILL);
  kill(slow, SIGKILL);
  pid_t replacement = 0;
  ASSERT_TRUE(WaitUntil([&] {
    replacement = OnlyChildRunning(d, "fast", "sleep");
    return replacement > 0 && replacement != fast;
  })) << s.daemon->Log();
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(500)) << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog("restart scheduled process=slow")) << s.daemon->Log();
  const std::string log = s.daemon->Log();
  EXPECT_NE(log.find("restarting process process=fast instance=fast-0 reason=signal"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("restart scheduled process=slow instance=slow-0 reason=signal delay_ms=2000 "
                     "consecutive_failures=1"),
            std::string::npos)
      << log;
}

TEST(RestartRuleTest, MinUptimeIsCheckedWithItsPosition) {
  TempDir tmp;
  const std::string path = tmp.Write("bad.yaml", Yaml("  a:\n    command: [\"true\"]\n"
                                                      "    min_uptime: soon\n",
                                                      "  min_uptime: -1s\n"));
  const auto r = RunCommand({BinaryPath(), "check-config", "-c", path});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find(":7:15: error: global.min_uptime"), std::string::npos) << all;
  EXPECT_NE(all.find(":11:17: error: processes.a.min_uptime"), std::string::npos) << all;
}

}  // namespace
}  // namespace phpeek::testing
