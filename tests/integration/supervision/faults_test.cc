// The issue's "Bad input and faults", each on real processes.
#include <signal.h>
#include <unistd.h>

#include <chrono>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

using Steady = std::chrono::steady_clock;

TEST(FaultsTest, CrashLoopBacksOffExponentiallyThenFails) {
  const auto start = Steady::now();
  auto s = StartDaemon(Yaml("  crash:\n    command: \"exit 3\"\n",
                            "  max_restart_attempts: 4\n  restart_backoff_max: 2s\n"));
  EXPECT_EQ(s.daemon->WaitExit(), 1) << s.daemon->Log();  // everything ended, badly
  const std::string log = s.daemon->Log();
  const size_t d1 = At(log, "delay_ms=100 "), d2 = At(log, "delay_ms=200 "),
               d3 = At(log, "delay_ms=400 ");
  ASSERT_NE(d1, std::string::npos) << log;
  ASSERT_NE(d3, std::string::npos) << log;
  EXPECT_LT(d1, d2);
  EXPECT_LT(d2, d3);
  EXPECT_EQ(Count(log, "process spawned process=crash"), 4u);
  EXPECT_NE(log.find("process failed; giving up process=crash instance=crash-0 "
                     "consecutive_failures=4 restart_count=3"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("exit_code=3"), std::string::npos);
  EXPECT_GE(Steady::now() - start, std::chrono::milliseconds(700));  // 100 + 200 + 400
}

TEST(FaultsTest, ChildIgnoringSigtermGetsSigkillAfterItsTimeout) {
  auto s = StartDaemon(Yaml(R"(  stubborn:
    command: "trap '' TERM; echo ready; while :; do sleep 1; done"
    shutdown:
      signal: SIGTERM
      timeout: 1s
)"));
  ASSERT_TRUE(s.daemon->WaitForLog("ready")) << s.daemon->Log();
  const auto kids = ChildrenOf(s.daemon->pid());
  ASSERT_EQ(kids.size(), 1u);
  const auto t0 = Steady::now();
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
  const auto took = Steady::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::milliseconds(5000));
  EXPECT_TRUE(s.daemon->LogContains("sending SIGKILL")) << s.daemon->Log();
  EXPECT_TRUE(s.daemon->LogContains("signal=SIGKILL"));
  EXPECT_FALSE(ProcessExists(kids[0]));
}

TEST(FaultsTest, SecondSigtermSkipsToSigkill) {
  auto s = StartDaemon(Yaml(R"(  stubborn:
    command: "trap '' TERM; echo ready; while :; do sleep 1; done"
    shutdown:
      timeout: 60s
)"));
  ASSERT_TRUE(s.daemon->WaitForLog("ready")) << s.daemon->Log();
  s.daemon->Signal(SIGTERM);
  ASSERT_TRUE(s.daemon->WaitForLog("stopping process"));
  const auto t0 = Steady::now();
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(std::chrono::milliseconds(5000)), 0) << s.daemon->Log();
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(3000));
  EXPECT_TRUE(s.daemon->LogContains("second stop signal"));
}

TEST(FaultsTest, GlobalShutdownTimeoutBoundsEverything) {
  auto s = StartDaemon(Yaml(R"(  stubborn:
    command: "trap '' TERM; echo ready; while :; do sleep 1; done"
    shutdown:
      timeout: 60s
)",
                            "  shutdown_timeout: 1s\n"));
  ASSERT_TRUE(s.daemon->WaitForLog("ready")) << s.daemon->Log();
  const auto t0 = Steady::now();
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(std::chrono::milliseconds(8000)), 0) << s.daemon->Log();
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(4000));
}

TEST(FaultsTest, GrandchildOfAnExitedChildIsNeverLeftBehind) {
  TempDir tmp;
  const std::string mark = UniqueMark();
  const std::string gc_file = tmp.Join("gc"), esc_file = tmp.Join("esc");
  // One grandchild stays in the group; one leaves it with setsid (the parent waits until it has).
  // ($$$$ is the YAML substitution escape for the shell's $$.)
  const std::string command = "sleep 300 & echo $! > " + gc_file + "; setsid sh -c 'echo $$$$ > " +
                              esc_file + "; exec sleep 301' & while [ ! -s " + esc_file +
                              " ]; do sleep 0.01; done; exit 0";
  auto s = StartDaemon(Yaml("  parent:\n    restart: never\n    command: \"" + command +
                            "\"\n"
                            "  keep:\n    command: [\"sleep\", \"60\"]\n"),
                       {{"PHPEEK_TEST_MARK", mark}});
  ASSERT_TRUE(s.daemon->WaitForLog("process exited process=parent")) << s.daemon->Log();
  const pid_t gc = std::atoi(ReadFile(gc_file).c_str());
  const pid_t escaped = std::atoi(ReadFile(esc_file).c_str());
  ASSERT_GT(gc, 0);
  ASSERT_GT(escaped, 0);
  // Same group as the exited child: killed with it and reaped by the daemon.
  EXPECT_TRUE(WaitUntil([&] { return !ProcessExists(gc); }));
  EXPECT_TRUE(WaitUntil([&] { return ZombieChildren(s.daemon->pid()) == 0; }));
  // The one that left the group is re-parented to the daemon (subreaper) ...
  ASSERT_TRUE(ProcessExists(escaped));
  EXPECT_EQ(ReadProcStat(escaped)->ppid, s.daemon->pid());
  EXPECT_NE(ReadProcStat(escaped)->pgid, ReadProcStat(gc) ? ReadProcStat(gc)->pgid : 0);
  // ... and does not outlive the daemon's shutdown.
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0) << s.daemon->Log();
  EXPECT_FALSE(ProcessExists(escaped));
  EXPECT_TRUE(ProcessesWithEnv("PHPEEK_TEST_MARK", mark).empty());
}

TEST(FaultsTest, FloodingChildDoesNotDelayTheOthers) {
  auto s = StartDaemon(Yaml(R"(  flood:
    restart: never
    command: "yes 'flood line' | head -n 500000"
  longline:
    restart: never
    command: "head -c 1000000 /dev/zero | tr '\\0' x"
  victim:
    command: ["sleep", "60"]
)"));
  ASSERT_TRUE(s.daemon->WaitForLog("flood line process=flood")) << s.daemon->Log().substr(0, 2000);
  std::vector<pid_t> victims;
  for (pid_t p : ChildrenOf(s.daemon->pid())) {
    if (ReadFile("/proc/" + std::to_string(p) + "/comm") == "sleep\n") victims.push_back(p);
  }
  ASSERT_EQ(victims.size(), 1u);
  const auto t0 = Steady::now();
  kill(victims[0], SIGKILL);
  // Replacement after the 100 ms backoff, while the flood is still being forwarded.
  ASSERT_TRUE(WaitUntil([&] {
    for (pid_t p : ChildrenOf(s.daemon->pid())) {
      if (p != victims[0] && ReadFile("/proc/" + std::to_string(p) + "/comm") == "sleep\n")
        return true;
    }
    return false;
  }));
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(2000));
  ASSERT_TRUE(
      s.daemon->WaitForLog("process exited process=flood", std::chrono::milliseconds(30000)));
  ASSERT_TRUE(
      s.daemon->WaitForLog("process exited process=longline", std::chrono::milliseconds(30000)));
  const std::string log = s.daemon->Log();
  EXPECT_EQ(Count(log, "flood line process=flood"), 500000u);
  // 1,000,000 bytes without a newline arrive as bounded pieces of 16 KiB (and a rest).
  EXPECT_EQ(Count(log, std::string(16384, 'x') + " process=longline"), 1000000u / 16384);
}

TEST(FaultsTest, ChildClosingStdoutEarlyIsStillSupervised) {
  auto s = StartDaemon(Yaml(R"(  quiet:
    command: "echo bye; exec >&- 2>&-; sleep 60"
)"));
  ASSERT_TRUE(s.daemon->WaitForLog("bye process=quiet")) << s.daemon->Log();
  const auto kids = ChildrenOf(s.daemon->pid());
  ASSERT_EQ(kids.size(), 1u);
  ASSERT_TRUE(WaitUntil([&] { return OpenFds(kids[0]).size() == 1; }));  // only stdin left
  const long before = CpuTicks(s.daemon->pid());
  usleep(500 * 1000);  // a closed pipe must not make the loop spin: measured over a span
  EXPECT_LE(CpuTicks(s.daemon->pid()) - before, 1);
  kill(kids[0], SIGKILL);
  EXPECT_TRUE(s.daemon->WaitForLog("signal=SIGKILL"));
  EXPECT_TRUE(WaitUntil([&] {
    return s.daemon->LogContains("instance=quiet-0 pid=") &&
           Count(s.daemon->Log(), "process spawned process=quiet") == 2;
  }));
}

TEST(FaultsTest, SigtermDuringScaleUpOf200LeavesNothingBehind) {
  const std::string mark = UniqueMark();
  auto s = StartDaemon(Yaml("  many:\n    command: [\"sleep\", \"60\"]\n    scale: 200\n",
                            "  max_process_scale: 500\n"),
                       {{"PHPEEK_TEST_MARK", mark}});
  ASSERT_TRUE(WaitUntil([&] { return ChildrenOf(s.daemon->pid()).size() >= 10; },
                        std::chrono::milliseconds(10000)));
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0) << s.daemon->Log().substr(0, 4000);
  EXPECT_TRUE(ProcessesWithEnv("PHPEEK_TEST_MARK", mark).empty());
  EXPECT_EQ(Count(s.daemon->Log(), "process spawned"), Count(s.daemon->Log(), "process exited"));
}

// On both spawn paths: the usual clone, and the posix_spawn fallback (PHPEEK_PM_TEST_SPAWN).
class UnstartableTest : public ::testing::TestWithParam<bool> {};

TEST_P(UnstartableTest, UnstartableProgramsAreReportedAndGivenUp) {
  TempDir tmp;
  const std::string script = tmp.Write("noexec.sh", "#!/bin/sh\necho hi\n");
  std::map<std::string, std::string> env;
  if (!GetParam()) env["PHPEEK_PM_TEST_SPAWN"] = "posix_spawn";
  auto s = StartDaemon(
      Yaml("  missing:\n    command: [\"no-such-binary-phpeek\"]\n"
           "  noexec:\n    command: [\"" +
               script +
               "\"]\n"
               "  nodir:\n    command: [\"true\"]\n    working_dir: /nonexistent/phpeek\n",
           "  max_restart_attempts: 2\n"),
      env);
  EXPECT_EQ(s.daemon->WaitExit(), 1) << s.daemon->Log();
  const std::string log = s.daemon->Log();
  EXPECT_NE(log.find("'no-such-binary-phpeek' not found on PATH"), std::string::npos) << log;
  EXPECT_NE(log.find("Permission denied"), std::string::npos) << log;
  EXPECT_NE(log.find("working_dir '/nonexistent/phpeek': No such file or directory"),
            std::string::npos)
      << log;
  EXPECT_EQ(Count(log, "process failed; giving up"), 3u);
  EXPECT_EQ(Count(log, "restart scheduled"), 3u);  // one retry each, after the backoff
  EXPECT_EQ(Count(log, "reason=spawn_failed"), 3u);
  EXPECT_EQ(s.daemon->LogContains("PHPEEK_PM_TEST_SPAWN=posix_spawn"), !GetParam());
}

INSTANTIATE_TEST_SUITE_P(Paths, UnstartableTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Clone" : "PosixSpawn"; });

TEST(FaultsTest, BurstOf1000ChildExitsIsReapedCompletely) {
  auto s = StartDaemon(Yaml(R"(  burst:
    command: "i=0; while [ $i -lt 1000 ]; do (true &); i=$((i+1)); done; echo burst-done; sleep 60"
)",
                            "  log_level: debug\n"));
  // 2000 forks take a few seconds, and several times that on a machine busy with other tests.
  ASSERT_TRUE(s.daemon->WaitForLog("burst-done", std::chrono::milliseconds(60000)))
      << s.daemon->Log().substr(0, 3000);
  // Every orphaned `true` comes to the daemon (subreaper) and is reaped; no zombie is left.
  EXPECT_TRUE(WaitUntil([&] { return Count(s.daemon->Log(), "reaped orphan") >= 1000; },
                        std::chrono::milliseconds(30000)))
      << Count(s.daemon->Log(), "reaped orphan");
  EXPECT_TRUE(WaitUntil([&] { return ZombieChildren(s.daemon->pid()) == 0; }));
  EXPECT_EQ(ChildrenOf(s.daemon->pid()).size(), 1u);
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

}  // namespace
}  // namespace phpeek::testing
