#include "core/systemd/notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include "tests/support/fake_notify_socket.h"

namespace phpeek::systemd {
namespace {

TEST(NotifyTest, DisabledWithoutNotifySocket) {
  unsetenv("NOTIFY_SOCKET");
  Notifier n;
  EXPECT_FALSE(n.enabled());
  EXPECT_FALSE(n.Ready());
}

TEST(NotifyTest, SendsReadyStoppingAndWatchdog) {
  testing::FakeNotifySocket systemd;
  const std::string& path = systemd.path();
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  setenv("WATCHDOG_USEC", "4000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  Notifier n;
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
  ASSERT_TRUE(n.enabled());
  EXPECT_EQ(n.watchdog_interval(), std::chrono::milliseconds(2000));
  EXPECT_TRUE(n.Ready());
  EXPECT_EQ(systemd.Receive(), "READY=1");
  EXPECT_TRUE(n.Stopping());
  EXPECT_EQ(systemd.Receive(), "STOPPING=1");
  EXPECT_TRUE(n.Watchdog());
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");
}

TEST(NotifyTest, WatchdogMeantForAnotherPidIsIgnored) {
  setenv("WATCHDOG_USEC", "4000000", 1);
  setenv("WATCHDOG_PID", "1", 1);
  Notifier n;
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
  EXPECT_EQ(n.watchdog_interval(), std::chrono::milliseconds(0));
}

std::chrono::milliseconds IntervalFor(const char* usec, const char* pid = nullptr) {
  setenv("WATCHDOG_USEC", usec, 1);
  if (pid) setenv("WATCHDOG_PID", pid, 1);
  Notifier n;
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
  return n.watchdog_interval();
}

TEST(NotifyTest, WatchdogValuesThatAreNotPlainNumbersTurnItOff) {
  using std::chrono::milliseconds;
  for (const char* bad :
       {"", "abc", "10s", "-4000000", " 4000000", "4000000 ", "0", "99999999999999999999999"}) {
    EXPECT_EQ(IntervalFor(bad), milliseconds(0)) << "WATCHDOG_USEC=" << bad;
  }
  EXPECT_EQ(IntervalFor("4000000", "12abc"), milliseconds(0));
  EXPECT_EQ(IntervalFor("4000000", ""), milliseconds(0));
}

TEST(NotifyTest, ShortWatchdogStillPingsAndLongOneIsCappedAtADay) {
  using std::chrono::milliseconds;
  EXPECT_EQ(IntervalFor("1000"), milliseconds(1));  // 0.5 ms rounds up, never to "disabled"
  EXPECT_EQ(IntervalFor("1"), milliseconds(1));
  EXPECT_EQ(IntervalFor("3001"), milliseconds(2));
  EXPECT_EQ(IntervalFor("18446744073709551615"), milliseconds(24LL * 3600 * 1000));
}

TEST(NotifyTest, AManagerThatDoesNotReadNeverBlocksTheSender) {
  auto systemd = std::make_unique<testing::FakeNotifySocket>();  // never reads
  setenv("NOTIFY_SOCKET", systemd->path().c_str(), 1);
  Notifier n;
  unsetenv("NOTIFY_SOCKET");
  std::atomic<bool> done{false};
  std::atomic<int> refused{0};
  std::thread sender([&] {
    for (int i = 0; i < 5000; ++i) {
      if (!n.Watchdog()) ++refused;
    }
    done = true;
  });
  const bool finished = testing::WaitUntil([&] { return done.load(); }, std::chrono::seconds(5));
  systemd.reset();  // unblocks a blocked sender (ECONNREFUSED), so the test ends either way
  sender.join();
  EXPECT_TRUE(finished) << "sendto blocked on a full notify socket";
  EXPECT_GT(refused.load(), 0);
}

}  // namespace
}  // namespace phpeek::systemd
