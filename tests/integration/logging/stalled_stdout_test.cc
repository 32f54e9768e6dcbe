// The daemon's stdout on a pipe nobody reads (a stalled `docker logs`, a full journald): the loop
// still restarts a killed child at once and finishes a shutdown within shutdown_timeout, and when
// the pipe is read again it says how many lines it dropped. A pipe read slowly is another
// matter: the child is held back, nothing is dropped.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "tests/integration/logging/piped_daemon.h"

namespace phpeek::testing {
namespace {

// `noisy` prints ~16 MB of log lines (far beyond the pipe and the daemon's 4 MiB queue), then
// sleeps; `victim` just sleeps.
std::string NoisyYaml() {
  return "version: \"1.0\"\n"
         "global:\n"
         "  api_enabled: false\n"
         "  log_format: text\n"
         "  shutdown_timeout: 5s\n"
         "  restart_backoff_initial: 100ms\n"
         "processes:\n"
         "  noisy:\n"
         "    command: [\"sh\", \"-c\", \"seq -f 'noise %06g " +
         std::string(80, 'x') +
         "' 1 100000; exec sleep 600\"]\n"
         "  victim:\n"
         "    command: [\"sleep\", \"600\"]\n";
}

// Waits until the pipe is full and `noisy` has printed everything (it exec'd sleep).
void WaitForStall(PipedDaemon& d) {
  ASSERT_TRUE(WaitUntil([&] { return d.PipeFull(); })) << d.Stderr();
  ASSERT_TRUE(WaitUntil([&] {
    const pid_t noisy = d.PidOf("noisy-0");
    return noisy > 0 && ReadFile("/proc/" + std::to_string(noisy) + "/comm") == "sleep\n";
  }));
}

// The count in "log lines were dropped dropped=N", or 0.
long DroppedCount(const std::string& out) {
  const std::string key = "log lines were dropped dropped=";
  const size_t at = out.find(key);
  return at == std::string::npos ? 0 : std::atol(out.c_str() + at + key.size());
}

TEST(StalledStdout, AKilledChildIsStillReplacedAndTheDropsAreReported) {
  PipedDaemon d(NoisyYaml());
  WaitForStall(d);
  ASSERT_TRUE(WaitUntil([&] { return d.PidOf("victim-0") > 0; }));
  const pid_t victim = d.PidOf("victim-0");
  const auto killed_at = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  EXPECT_TRUE(WaitUntil(
      [&] {
        const pid_t now = d.PidOf("victim-0");
        return now > 0 && now != victim;
      },
      std::chrono::milliseconds(1000)))
      << "not replaced within 1 s while stdout is blocked";
  EXPECT_TRUE(d.PipeFull()) << "the test must not have unblocked stdout";
  (void)killed_at;

  // The reader comes back: the lines that waited, then one line with the count.
  ASSERT_TRUE(d.ReadUntil("log lines were dropped", std::chrono::seconds(20)))
      << d.output().substr(0, 2000);
  EXPECT_GT(DroppedCount(d.output()), 10000) << d.output().substr(d.output().find("dropped") - 200);
  EXPECT_NE(d.output().find("noise 000001"), std::string::npos);

  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit(std::chrono::seconds(5), /*drain=*/true), 0);
  // Everything queued before the exit was written.
  EXPECT_NE(d.output().find("phpeek-pm stopped"), std::string::npos)
      << d.output().substr(d.output().size() - std::min<size_t>(d.output().size(), 2000));
}

TEST(StalledStdout, ShutdownFinishesWithinShutdownTimeoutWhileNobodyReads) {
  PipedDaemon d(NoisyYaml());
  WaitForStall(d);
  const auto start = std::chrono::steady_clock::now();
  d.Signal(SIGTERM);
  const auto code = d.WaitExit(std::chrono::seconds(5), /*drain=*/false);
  EXPECT_TRUE(code.has_value()) << "SIGTERM did not finish within shutdown_timeout (5 s)";
  EXPECT_EQ(code.value_or(-1), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(d.PipeFull());
}

// A slow reader is not a stalled one: stdout keeps taking lines, only slower than the child
// writes them. The child is held back by its own pipe (as `cat` would hold it), and no line is
// dropped. (Before, the loop read the child flat out and the 4 MiB queue overflowed.)
TEST(SlowStdout, HoldsTheChildBackInsteadOfDroppingLines) {
  PipedDaemon d(
      "global:\n  api_enabled: false\n  log_format: text\n  shutdown_timeout: 5s\n"
      "processes:\n  noisy:\n    command: [\"sh\", \"-c\", \"seq -f 'noise %06g " +
      std::string(80, 'x') + "' 1 200000; exec sleep 600\"]\n");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (d.output().find("noise 200000") == std::string::npos &&
         d.output().find("log lines were dropped") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    d.ReadAvailable();  // at most a pipe's worth (64 KiB) every 2 ms: ~30 MB/s
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(d.output().find("log lines were dropped"), std::string::npos)
      << d.output().substr(d.output().find("log lines were dropped"), 300);
  ASSERT_NE(d.output().find("noise 200000"), std::string::npos) << d.Stderr();
  size_t lines = 0;
  for (size_t at = d.output().find("noise "); at != std::string::npos;
       at = d.output().find("noise ", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 200000u);
}

}  // namespace
}  // namespace phpeek::testing
