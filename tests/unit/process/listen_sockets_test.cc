// ListenSockets on real sockets: what it opens, keeps across a Sync with the same or a changed
// list, closes, the FPM_SOCKETS text php-fpm reads, and a port that is taken.
#include "core/process/listen_sockets.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "tests/support/test_support.h"

namespace phpeek::process {
namespace {

using phpeek::testing::FreePort;

config::ListenAddress At(const std::string& host, int port) { return {host, port, {}}; }

// Connects to 127.0.0.1:port; true when the kernel completed the handshake.
bool Connects(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) >= 0; }

TEST(ListenSockets, OpensListeningBlockingCloseOnExecSocketsInOrder) {
  const int p1 = FreePort(), p2 = FreePort();
  ListenSockets s;
  std::string err;
  ASSERT_TRUE(s.Sync({At("127.0.0.1", p1), At("127.0.0.1", p2)}, &err)) << err;
  ASSERT_EQ(s.fds().size(), 2u);
  for (int fd : s.fds()) {
    EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    EXPECT_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    int listening = 0;
    socklen_t len = sizeof listening;
    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len);
    EXPECT_EQ(listening, 1);
  }
  EXPECT_EQ(s.FpmSockets(),
            "127.0.0.1:" + std::to_string(p1) + "=3,127.0.0.1:" + std::to_string(p2) + "=4");
  // Nobody accepts, yet a client connects: the kernel queues it for whoever will.
  EXPECT_TRUE(Connects(p1));
  s.Close();
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(Connects(p1));
}

TEST(ListenSockets, SyncKeepsWhatIsStillListedAndClosesTheRest) {
  const int p1 = FreePort(), p2 = FreePort(), p3 = FreePort();
  ListenSockets s;
  std::string err;
  ASSERT_TRUE(s.Sync({At("127.0.0.1", p1), At("127.0.0.1", p2)}, &err)) << err;
  const std::vector<int> first = s.fds();
  ASSERT_TRUE(s.Sync({At("127.0.0.1", p1), At("127.0.0.1", p2)}, &err));
  EXPECT_EQ(s.fds(), first);  // the same sockets: a restart keeps its queue
  ASSERT_TRUE(s.Sync({At("127.0.0.1", p3), At("127.0.0.1", p1)}, &err)) << err;
  ASSERT_EQ(s.fds().size(), 2u);
  EXPECT_EQ(s.fds()[1], first[0]);
  EXPECT_FALSE(Connects(p2));
  EXPECT_TRUE(Connects(p3));
  EXPECT_EQ(s.FpmSockets(),
            "127.0.0.1:" + std::to_string(p3) + "=3,127.0.0.1:" + std::to_string(p1) + "=4");
}

TEST(ListenSockets, ATakenPortIsAnErrorThatChangesNothing) {
  const int p1 = FreePort(), taken = FreePort();
  ListenSockets other;
  std::string err;
  ASSERT_TRUE(other.Sync({At("127.0.0.1", taken)}, &err)) << err;
  ListenSockets s;
  ASSERT_TRUE(s.Sync({At("127.0.0.1", p1)}, &err)) << err;
  const int kept = s.fds()[0];
  const int p2 = FreePort();
  EXPECT_FALSE(s.Sync({At("127.0.0.1", p2), At("127.0.0.1", taken)}, &err));
  EXPECT_EQ(err, "listen 127.0.0.1:" + std::to_string(taken) + ": Address already in use");
  EXPECT_EQ(s.fds(), std::vector<int>{kept});
  EXPECT_TRUE(IsOpen(kept));
  EXPECT_FALSE(Connects(p2));  // the one opened before the failure was closed again
}

TEST(ListenSockets, Ipv6KeyIsWhatPhpFpmWrites) {
  const int fd = socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool v6 = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (fd >= 0) close(fd);
  if (!v6) GTEST_SKIP() << "no IPv6 loopback here";
  const int port = FreePort();
  ListenSockets s;
  std::string err;
  ASSERT_TRUE(s.Sync({At("::1", port)}, &err)) << err;
  EXPECT_EQ(s.FpmSockets(), "::1:" + std::to_string(port) + "=3");
}

}  // namespace
}  // namespace phpeek::process
