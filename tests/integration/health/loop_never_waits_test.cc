// The "The supervisor loop never waits": probes that hang (a tcp connect to a port that
// never answers, an http server that never replies, an exec check that sleeps forever) must not
// delay anything else. kill -9 of another process is still replaced within 100 ms, and SIGTERM is
// still bounded by shutdown_timeout, with every probe child gone afterwards.
#include <signal.h>
#include <unistd.h>

#include <chrono>

#include "tests/integration/supervision/harness.h"
#include "tests/support/canned_server.h"

namespace phpeek::testing {
namespace {

using Steady = std::chrono::steady_clock;

pid_t ChildOf(pid_t daemon, const std::string& process) {
  for (pid_t child : ChildrenOf(daemon)) {
    const auto env = EnvironOf(child);
    const auto name = env.find("PHPEEK_PM_PROCESS_NAME");
    if (name != env.end() && name->second == process) return child;
  }
  return 0;
}

TEST(LoopNeverWaitsTest, HangingProbesDelayNeitherARestartNorTheShutdown) {
  UnansweringPort blackhole;                         // connects never complete
  CannedServer silent(CannedServer::Mode::kSilent);  // accepts, reads, never replies
  const std::string mark =
      std::to_string(getpid()) + "-" + std::to_string(Steady::now().time_since_epoch().count());
  // Every probe attempt hangs for its whole 30 s timeout; a new one is due every 50 ms after.
  const std::string timing = "      initial_delay: 0\n      period: 50ms\n      timeout: 30s\n";
  auto s = StartDaemon(
      Yaml("  tcp:\n    command: [\"sleep\", \"600\"]\n    health_check:\n"
           "      type: tcp\n      address: 127.0.0.1:" +
               std::to_string(blackhole.port()) + "\n" + timing +
               "  http:\n    command: [\"sleep\", \"600\"]\n    health_check:\n"
               "      type: http\n      url: http://127.0.0.1:" +
               std::to_string(silent.port()) + "/health\n" + timing +
               "  exec:\n    command: [\"sleep\", \"600\"]\n    health_check:\n"
               "      type: exec\n      command: \"HANGING_PROBE=" +
               mark + " exec sleep 1000\"\n" + timing +
               // min_uptime 0: every run counts as stable, so each kill -9 is restarted at once
               "  victim:\n    command: [\"sleep\", \"600\"]\n    min_uptime: 0\n",
           "  shutdown_timeout: 2s\n"));
  ASSERT_TRUE(s.daemon->WaitForLog("process spawned process=victim")) << s.daemon->Log();
  // Every probe is in flight and hanging.
  ASSERT_TRUE(WaitUntil([&] { return !silent.last_request().empty(); })) << s.daemon->Log();
  ASSERT_TRUE(WaitUntil([&] { return ProcessesWithEnv("HANGING_PROBE", mark).size() == 1; }))
      << s.daemon->Log();
  pid_t victim = 0;
  ASSERT_TRUE(WaitUntil([&] { return (victim = ChildOf(s.daemon->pid(), "victim")) > 0; }));

  for (int round = 0; round < 3; ++round) {
    const auto t0 = Steady::now();
    ASSERT_EQ(kill(victim, SIGKILL), 0);
    pid_t replacement = 0;
    while (Steady::now() - t0 < std::chrono::seconds(5)) {
      replacement = ChildOf(s.daemon->pid(), "victim");
      if (replacement > 0 && replacement != victim) break;
    }
    const auto took = Steady::now() - t0;
    ASSERT_NE(replacement, victim) << s.daemon->Log();
    EXPECT_LT(took, std::chrono::milliseconds(100))
        << "round " << round << ": replaced after "
        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    victim = replacement;
  }
  EXPECT_EQ(ProcessesWithEnv("HANGING_PROBE", mark).size(), 1u) << "one attempt at a time";

  const auto t0 = Steady::now();
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(std::chrono::milliseconds(5000)), 0) << s.daemon->Log();
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(2000)) << s.daemon->Log();
  EXPECT_TRUE(ProcessesWithEnv("HANGING_PROBE", mark).empty()) << "a probe outlived the daemon";
}

}  // namespace
}  // namespace phpeek::testing
