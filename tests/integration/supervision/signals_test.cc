// Signals whose default action would end the daemon (and leave its children unsupervised) are
// taken by the loop, logged and otherwise ignored: the daemon and its children live on. Nothing is
// forwarded to the children (no process can ask for it yet). As subreaper and as PID 1 (where the
// kernel would drop them unlogged).
#include <signal.h>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

struct Named {
  int sig;
  std::string name;
};

std::vector<Named> DeadlySignals() {
  std::vector<Named> out = {{SIGALRM, "SIGALRM"}, {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"},
                            {SIGIO, "SIGPOLL"},   {SIGXCPU, "SIGXCPU"},     {SIGXFSZ, "SIGXFSZ"},
                            {SIGPWR, "SIGPWR"},   {SIGSTKFLT, "SIGSTKFLT"}, {SIGUSR1, "SIGUSR1"},
                            {SIGUSR2, "SIGUSR2"}};
  for (int s = SIGRTMIN; s <= SIGRTMAX; ++s) {
    out.push_back({s, s == SIGRTMAX ? "SIGRTMAX" : "SIGRTMIN+" + std::to_string(s - SIGRTMIN)});
  }
  return out;
}

class SignalsTest : public ::testing::TestWithParam<bool> {
 protected:
  bool as_pid1() const { return GetParam(); }
  void SetUp() override {
    if (as_pid1() && !CanRunAsPid1()) GTEST_SKIP() << "needs root and unshare --pid";
  }
};

TEST_P(SignalsTest, DeadlySignalsAreLoggedAndIgnored) {
  auto s = StartDaemon(Yaml("  app:\n    command: [\"sleep\", \"60\"]\n    scale: 2\n"), {},
                       as_pid1() ? AsPid1() : std::vector<std::string>{});
  const pid_t daemon = DaemonPid(*s.daemon, as_pid1());
  ASSERT_GT(daemon, 0);
  std::vector<pid_t> kids;
  ASSERT_TRUE(WaitUntil([&] {
    kids = ChildrenOf(daemon);
    return kids.size() == 2 && Count(s.daemon->Log(), "process spawned") == 2;
  })) << s.daemon->Log();
  size_t n = 0;
  for (const Named& sig : DeadlySignals()) {
    ASSERT_EQ(kill(daemon, sig.sig), 0);
    ++n;
    ASSERT_TRUE(WaitUntil([&] { return Count(s.daemon->Log(), "signal ignored") == n; }))
        << sig.name << "\n"
        << s.daemon->Log();
    EXPECT_TRUE(s.daemon->LogContains("signal ignored signal=" + sig.name + " "))
        << sig.name << "\n"
        << s.daemon->Log();
    ASSERT_TRUE(ProcessExists(daemon)) << sig.name;
  }
  kill(daemon, SIGHUP);
  EXPECT_TRUE(s.daemon->WaitForLog("SIGHUP received")) << s.daemon->Log();
  EXPECT_TRUE(s.daemon->running());
  for (pid_t k : kids) EXPECT_TRUE(ProcessExists(k)) << k;  // a forwarded USR1 would end sleep
  EXPECT_FALSE(s.daemon->LogContains("process exited")) << s.daemon->Log();
  kill(daemon, SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0) << s.daemon->Log();
}

INSTANTIATE_TEST_SUITE_P(Reaper, SignalsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Pid1" : "Subreaper"; });

}  // namespace
}  // namespace phpeek::testing
