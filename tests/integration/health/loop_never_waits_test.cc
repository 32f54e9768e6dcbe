// The "The supervisor loop never waits": probes that hang (a tcp connect to a port that
// never answers, an http server that never replies, an exec check that sleeps forever) must not
// delay anything else. kill -9 of another process is still replaced within 100 ms (the median of
// five rounds, see below), and SIGTERM is still bounded by shutdown_timeout, with every probe
// child gone afterwards.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "tests/integration/supervision/harness.h"
#include "tests/support/canned_server.h"

namespace phpeek::testing {
namespace {

using Steady = std::chrono::steady_clock;

// Unix ms of a text log line's timestamp ("2026-12-06T10:38:49.343+00:00 info ..."); -1 if none.
int64_t LineTimeMs(const std::string& line) {
  std::tm tm{};
  int ms = 0, off_h = 0, off_m = 0;
  char sign = '+';
  if (std::sscanf(line.c_str(), "%d-%d-%dT%d:%d:%d.%d%c%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &sign, &off_h, &off_m) != 10) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const int64_t offset = (off_h * 60 + off_m) * 60 * (sign == '-' ? -1 : 1);
  return (static_cast<int64_t>(timegm(&tm)) - offset) * 1000 + ms;
}

// When the daemon logged the spawn of `pid` (its own clock: what it did, without the time this
// loaded test machine takes to schedule the test's own polling); -1 until it did.
int64_t SpawnedAtMs(const Daemon& daemon, pid_t pid) {
  const std::string log = daemon.Log();
  const size_t at = log.find(" pid=" + std::to_string(pid) + "\n");
  if (at == std::string::npos) return -1;
  const size_t begin = log.rfind('\n', at) + 1;
  const std::string line = log.substr(begin, at - begin);
  if (line.find("process spawned process=victim") == std::string::npos) return -1;
  return LineTimeMs(line);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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

  // From the kill to the daemon's "process spawned" line of the replacement (the spawn returns
  // once the new child has executed its program). A loop that waited for a probe would take its
  // whole 30 s timeout: every round must stay under a second, and the median of five under the
  // issue's 100 ms (single rounds measured 45-160 ms on this 2-core machine at a load of 16, so a
  // bound on each would test the machine's scheduler, not the daemon).
  std::vector<int64_t> delays;
  for (int round = 0; round < 5; ++round) {
    const int64_t killed_at = NowMs();
    ASSERT_EQ(kill(victim, SIGKILL), 0);
    pid_t replacement = 0;
    int64_t spawned_at = -1;
    ASSERT_TRUE(WaitUntil([&] {
      replacement = ChildOf(s.daemon->pid(), "victim");
      return replacement > 0 && replacement != victim &&
             (spawned_at = SpawnedAtMs(*s.daemon, replacement)) >= 0;
    })) << s.daemon->Log();
    delays.push_back(spawned_at - killed_at);
    EXPECT_LT(delays.back(), 1000) << "round " << round << "\n" << s.daemon->Log();
    victim = replacement;
  }
  std::vector<int64_t> sorted = delays;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_LT(sorted[sorted.size() / 2], 100) << "delays (ms): " << ::testing::PrintToString(delays);
  EXPECT_EQ(ProcessesWithEnv("HANGING_PROBE", mark).size(), 1u) << "one attempt at a time";

  const auto t0 = Steady::now();
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(std::chrono::milliseconds(5000)), 0) << s.daemon->Log();
  EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(2000)) << s.daemon->Log();
  EXPECT_TRUE(ProcessesWithEnv("HANGING_PROBE", mark).empty()) << "a probe outlived the daemon";
}

}  // namespace
}  // namespace phpeek::testing
