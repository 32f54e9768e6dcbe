// The systemd watchdog on the real binary: WATCHDOG=1 comes from the supervisor loop, so a loop
// that stalls (here through the PHPEEK_PM_TEST_LOOP_STALL test hook) stops the pings, and systemd
// would restart the service; once the loop turns again, so do the pings.
#include <signal.h>

#include <chrono>

#include "tests/integration/supervision/harness.h"
#include "tests/support/fake_notify_socket.h"

namespace phpeek::testing {
namespace {

using Steady = std::chrono::steady_clock;

TEST(WatchdogTest, PingsStopWhileTheLoopIsStalled) {
  FakeNotifySocket systemd;
  // Pings every 100 ms (WatchdogSec=200ms); the loop blocks 1.5 s, 0.6 s into the run.
  auto s = StartDaemon(Yaml("  app:\n    command: [\"sleep\", \"60\"]\n"),
                       {{"NOTIFY_SOCKET", systemd.path()},
                        {"WATCHDOG_USEC", "200000"},
                        {"PHPEEK_PM_TEST_LOOP_STALL", "600:1500"}});
  std::vector<Steady::time_point> pings;
  Steady::duration gap{0};
  size_t after_gap = 0;
  const auto end = Steady::now() + std::chrono::seconds(8);
  while (Steady::now() < end && after_gap < 3) {
    if (systemd.Receive(300) != "WATCHDOG=1") continue;
    pings.push_back(Steady::now());
    if (pings.size() < 2) continue;
    const auto last = pings.back() - pings[pings.size() - 2];
    if (last > std::chrono::milliseconds(1000)) gap = last;
    if (gap.count() > 0) ++after_gap;
  }
  EXPECT_GE(gap, std::chrono::milliseconds(1400)) << s.daemon->Log();
  EXPECT_EQ(after_gap, 3u) << "the pings must resume once the loop turns again";
  EXPECT_TRUE(s.daemon->WaitForLog("test hook: the loop thread blocks for_ms=1500"))
      << s.daemon->Log();
  EXPECT_TRUE(s.daemon->WaitForLog("systemd watchdog enabled interval_ms=100"));
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

}  // namespace
}  // namespace phpeek::testing
