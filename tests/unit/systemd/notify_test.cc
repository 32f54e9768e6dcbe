#include "core/systemd/notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "tests/support/test_support.h"

namespace phpeek::systemd {
namespace {

// A datagram socket standing in for systemd's notification socket.
class FakeSystemd {
 public:
  explicit FakeSystemd(const std::string& path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~FakeSystemd() { close(fd_); }
  std::string Receive() {
    char buf[256];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

 private:
  int fd_ = -1;
};

TEST(NotifyTest, DisabledWithoutNotifySocket) {
  unsetenv("NOTIFY_SOCKET");
  Notifier n;
  EXPECT_FALSE(n.enabled());
  EXPECT_FALSE(n.Ready());
}

TEST(NotifyTest, SendsReadyStoppingAndWatchdog) {
  testing::TempDir dir;
  const std::string path = dir.Join("notify");
  FakeSystemd systemd(path);
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

}  // namespace
}  // namespace phpeek::systemd
