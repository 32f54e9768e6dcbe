// The shutdown is bounded by shutdown_timeout, whatever the children do: after the deadline the
// daemon sweeps its children with SIGKILL until none is left, including orphans that are
// re-parented to it only once an earlier sweep has killed their parent. As subreaper and as PID 1.
#include <signal.h>
#include <unistd.h>

#include <chrono>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

using Steady = std::chrono::steady_clock;

// Processes started under the daemon (which carries the mark in its own environment too).
size_t Descendants(const std::string& mark, const Daemon& daemon, pid_t inner) {
  size_t n = 0;
  for (pid_t p : ProcessesWithEnv("PHPEEK_TEST_MARK", mark)) n += p != daemon.pid() && p != inner;
  return n;
}

class ShutdownTest : public ::testing::TestWithParam<bool> {
 protected:
  bool as_pid1() const { return GetParam(); }
  void SetUp() override {
    if (as_pid1() && !CanRunAsPid1()) GTEST_SKIP() << "needs root and unshare --pid";
  }
};

// The instance leaves behind a process P in a session of its own that ignores SIGTERM, and P's
// child Q ignores it too. P comes to the daemon when the instance exits; Q only when the SIGKILL
// after the deadline has ended P.
TEST_P(ShutdownTest, OrphanReparentedAfterTheKillSweepIsKilledToo) {
  TempDir tmp;
  const std::string mark = UniqueMark();
  const std::string ready = tmp.Join("ready");
  const std::string script =
      tmp.Write("chain.sh", "setsid sh -c 'trap \"\" TERM; sleep 300 & echo $! > " + ready +
                                "; wait' &\nexec sleep 300\n");
  auto s = StartDaemon(
      Yaml("  chain:\n    command: [\"sh\", \"" + script + "\"]\n", "  shutdown_timeout: 1s\n"),
      {{"PHPEEK_TEST_MARK", mark}}, as_pid1() ? AsPid1() : std::vector<std::string>{});
  const pid_t daemon = DaemonPid(*s.daemon, as_pid1());
  ASSERT_GT(daemon, 0);
  ASSERT_TRUE(WaitUntil([&] { return ReadFile(ready).size() > 1; })) << s.daemon->Log();
  // Waited for, not read once: the first shell may still be on its way to `exec sleep`, and a
  // process in the middle of an exec has no environment to read in /proc.
  ASSERT_TRUE(WaitUntil([&] { return Descendants(mark, *s.daemon, daemon) == 3; }))
      << Descendants(mark, *s.daemon, daemon) << " of 3\n"
      << s.daemon->Log();
  kill(daemon, SIGTERM);
  // An old daemon never ends here (Q is never signalled), so the bound is a generous one: how fast
  // a shutdown is belongs to the benchmarks (tests/bench/engine_bench.py).
  const auto code = s.daemon->WaitExit(std::chrono::milliseconds(20000));
  if (!code) kill(daemon, SIGTERM);  // an old daemon hangs: a second SIGTERM kills what it sees
  ASSERT_EQ(code, 0) << s.daemon->Log();
  EXPECT_TRUE(WaitUntil([&] { return ProcessesWithEnv("PHPEEK_TEST_MARK", mark).empty(); },
                        std::chrono::milliseconds(2000)));
  const std::string log = s.daemon->Log();
  EXPECT_EQ(Count(log, "signalling leftover process"), 3u) << log;  // P: TERM, KILL; Q: KILL
  EXPECT_EQ(Count(log, "signal=SIGKILL"), 2u) << log;
}

// Leftovers that do end on SIGTERM do not wait for the deadline.
TEST_P(ShutdownTest, LeftoversThatHonourSigtermEndTheShutdownAtOnce) {
  TempDir tmp;
  const std::string mark = UniqueMark();
  const std::string ready = tmp.Join("ready");
  const std::string script =
      tmp.Write("detach.sh", "setsid sleep 300 &\necho $! > " + ready + "\nexec sleep 300\n");
  auto s = StartDaemon(
      Yaml("  detach:\n    command: [\"sh\", \"" + script + "\"]\n", "  shutdown_timeout: 60s\n"),
      {{"PHPEEK_TEST_MARK", mark}}, as_pid1() ? AsPid1() : std::vector<std::string>{});
  const pid_t daemon = DaemonPid(*s.daemon, as_pid1());
  ASSERT_TRUE(WaitUntil([&] { return ReadFile(ready).size() > 1; })) << s.daemon->Log();
  ASSERT_TRUE(WaitUntil([&] { return Descendants(mark, *s.daemon, daemon) == 2; }));
  kill(daemon, SIGTERM);
  // Well within the 60 s deadline, which a daemon that waits for it would reach.
  EXPECT_EQ(s.daemon->WaitExit(std::chrono::milliseconds(30000)), 0) << s.daemon->Log();
  EXPECT_TRUE(ProcessesWithEnv("PHPEEK_TEST_MARK", mark).empty());
  EXPECT_FALSE(s.daemon->LogContains("SIGKILL")) << s.daemon->Log();
}

INSTANTIATE_TEST_SUITE_P(Reaper, ShutdownTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Pid1" : "Subreaper"; });

}  // namespace
}  // namespace phpeek::testing
