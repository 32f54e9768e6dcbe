// The daemon as PID 1 of a PID namespace (as in a container), under unshare: it does not ask to
// be a subreaper (orphans come to PID 1 anyway), reaps every orphan, and stops cleanly on SIGTERM.
// The shutdown and signal cases run as PID 1 too (shutdown_test.cc, signals_test.cc).
#include <signal.h>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

TEST(Pid1Test, OrphansAreReapedAndNothingIsLeftAtShutdown) {
  if (!CanRunAsPid1()) GTEST_SKIP() << "needs root and unshare --pid";
  auto s = StartDaemon(Yaml(R"(  burst:
    command: "i=0; while [ $i -lt 50 ]; do (sleep 0.01 &); i=$((i+1)); done; echo burst-done; exec sleep 60"
  web:
    command: ["sleep", "61"]
    scale: 2
)",
                            "  log_level: debug\n"),
                       {}, AsPid1());
  const pid_t daemon = DaemonPid(*s.daemon, true);
  ASSERT_GT(daemon, 0);
  ASSERT_TRUE(s.daemon->WaitForLog("burst-done")) << s.daemon->Log();
  EXPECT_TRUE(WaitUntil([&] { return Count(s.daemon->Log(), "reaped orphan") >= 50; }))
      << s.daemon->Log();
  EXPECT_TRUE(WaitUntil([&] { return ZombieChildren(daemon) == 0; }));
  EXPECT_TRUE(WaitUntil([&] { return ChildrenOf(daemon).size() == 3; }));
  EXPECT_FALSE(s.daemon->LogContains("subreaper")) << s.daemon->Log();
  const auto kids = ChildrenOf(daemon);
  kill(daemon, SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0) << s.daemon->Log();  // unshare passes PID 1's status on
  for (pid_t k : kids) EXPECT_FALSE(ProcessExists(k));
}

}  // namespace
}  // namespace phpeek::testing
