// The connection policy at its limits: a bounded number of connections where slow and idle ones
// make room for a new client (503 only when every connection is busy in a handler), and accept()
// at the descriptor limit: room made by closing the connection idle longest, else a pause, logged
// once a second with a count, never a spin. (The capacity cases of rest-api's server_test and
// metrics' http_server_test.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <utility>
#include <vector>

#include "plugins/common/http/socket_transport.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_support.h"
#include "tests/unit/plugins_http/test_server.h"

namespace phpeek::http::testing {
namespace {

using phpeek::testing::WaitUntil;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// More than the sockets hold between the server and a client that does not read, once that
// client's receive buffer is pinned small (SO_RCVBUF): the server's send buffer grows at most to
// tcp_wmem's maximum.
size_t MoreThanSocketsHold() {
  std::ifstream limits("/proc/sys/net/ipv4/tcp_wmem");
  size_t least = 0, initial = 0, most = 0;
  if (!(limits >> least >> initial >> most)) return size_t{32} << 20;
  return 2 * most + (size_t{1} << 20);
}

ServerOptions WithCapacity(int max_connections, int workers = 4) {
  ServerOptions options;
  options.max_connections = max_connections;
  options.workers = workers;
  return options;
}

// Only when every connection is busy in a handler does a new one get 503, with Retry-After.
TEST(ServerCapacity, ConnectionsBusyInHandlersGet503NotSilence) {
  TestServer s(WithCapacity(2, 2));
  s.Hold();
  RawConnection a(s.port()), b(s.port());
  ASSERT_TRUE(a.Send(GetRequest("/health")) && b.Send(GetRequest("/health")));
  ASSERT_TRUE(s.WaitForHeld(2));
  const auto extra = RawRequest(s.port(), GetRequest("/health"));
  ASSERT_TRUE(extra.has_value());
  EXPECT_EQ(extra->status, 503);
  EXPECT_EQ(extra->Header("Retry-After"), "1");
  EXPECT_EQ(extra->Header("Connection"), "close");
  EXPECT_EQ(extra->body, "every connection slot is busy; try again in a second\n");
  s.Release();
  EXPECT_EQ(a.Read(5s)->status, 200);
  EXPECT_EQ(b.Read(5s)->status, 200);
}

// Slow or idle clients hold no slot that a new client needs: the one waiting longest for its
// client makes room (a half-sent request gets 503), and the new client is served at once.
TEST(ServerCapacity, SlowClientsNeverLockOutANewOne) {
  ServerOptions options = WithCapacity(8);
  options.timeouts.request = 30s;  // far beyond the test: only eviction can make room
  options.timeouts.idle = 30s;
  TestServer s(options);
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawConnection>(s.port()));
    ASSERT_TRUE(slow.back()->Send("GET /health HTTP/1.1\r\nHo"));
  }
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    const auto r = RawRequest(s.port(), GetRequest("/health"), 5s);
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->status, 200) << i;
    EXPECT_LT(Clock::now() - start, 2s) << i;
  }
  EXPECT_TRUE(slow[0]->WaitClosed(5s));
  EXPECT_EQ(slow[0]->unread().rfind("HTTP/1.1 503", 0), 0u) << slow[0]->unread();
  // The latest slow client was not the one evicted: it can still finish its request.
  ASSERT_TRUE(slow[7]->Send("st: x\r\n\r\n"));
  const auto finished = slow[7]->Read(5s);
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->status, 200);
}

// Idle keep-alive connections make room in the order they were served, then slow senders in the
// order they began: a scraper always gets in, at once.
TEST(ServerCapacity, TheConnectionWaitingLongestMakesRoom) {
  TestServer s(WithCapacity(4));
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<RawConnection>(s.port()));
    ASSERT_TRUE(idle.back()->Send(GetRequest("/health")));
    ASSERT_TRUE(idle.back()->Read(2s));
  }
  // Four slow senders arrive next: each takes the slot of the connection served longest ago.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (size_t i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<RawConnection>(s.port()));
    ASSERT_TRUE(slow.back()->Send("GET /metrics HTTP/1.1\r\n"));
    EXPECT_TRUE(idle[i]->WaitClosed(2s)) << i;
    EXPECT_TRUE(idle[i]->unread().empty()) << "an idle connection is closed silently";
  }
  const auto start = Clock::now();
  const auto r = RawRequest(s.port(), GetRequest("/metrics"), 2s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(slow.front()->WaitClosed(2s));
}

// Stands the worker that answers the first connection still right after its first send, as a
// scheduler may preempt it there: its client has the answer while the server has not heard of it.
class StillAfterFirstSend {
 public:
  // For ServerOptions::make_transport; counts the connections the server admits.
  std::unique_ptr<Transport> Wrap(int fd) {
    const bool first = ++made_ == 1;
    return std::make_unique<Gated>(fd, first ? this : nullptr);
  }
  int made() const { return made_; }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  class Gated : public SocketTransport {
   public:
    Gated(int fd, StillAfterFirstSend* gate) : SocketTransport(fd), gate_(gate) {}
    IoResult Send(std::string_view bytes) override {
      const IoResult r = SocketTransport::Send(bytes);
      if (gate_ != nullptr) std::exchange(gate_, nullptr)->WaitReleased();
      return r;
    }

   private:
    StillAfterFirstSend* gate_;
  };

  void WaitReleased() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return released_; });
  }

  std::atomic<int> made_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;  // guarded by mu_
};

// A connection waits for its client from the moment its answer was sent, even while the worker
// that sent it has not reported yet: it makes room before a connection that its client opened
// after reading that answer.
TEST(ServerCapacity, AnAnswerSentButNotYetReportedCountsFromItsSend) {
  StillAfterFirstSend gate;
  ServerOptions options = WithCapacity(2);
  options.timeouts.idle = 30s;  // far beyond the test: only eviction closes a connection
  options.make_transport = [&gate](int fd) { return gate.Wrap(fd); };
  TestServer s(options);
  struct ReleaseOnExit {
    StillAfterFirstSend& gate;
    ~ReleaseOnExit() { gate.Release(); }  // before the server stops: it joins the worker
  } release_on_exit{gate};
  RawConnection first(s.port());
  ASSERT_TRUE(first.Send(GetRequest("/health")));
  ASSERT_TRUE(first.Read(2s));  // its worker stands still after the send
  RawConnection second(s.port());
  ASSERT_TRUE(second.Send(GetRequest("/health")));
  ASSERT_TRUE(second.Read(2s));
  RawConnection third(s.port());
  ASSERT_TRUE(third.Send("GET /metrics HTTP/1.1\r\n"));
  // The server is admitting the third connection and needs room for it.
  ASSERT_TRUE(WaitUntil([&] { return gate.made() == 3; }, 5s));
  gate.Release();
  EXPECT_TRUE(first.WaitClosed(2s)) << "the connection answered first makes room";
  ASSERT_TRUE(second.Send(GetRequest("/health")));
  EXPECT_TRUE(second.Read(2s).has_value()) << "the connection answered later was kept";
}

// A client that does not read its answer is the last to make room, but it does: a new client is
// served rather than refused, since that connection is not busy in a handler.
TEST(ServerCapacity, AClientThatDoesNotReadItsAnswerMakesRoomLast) {
  ServerOptions options = WithCapacity(1);
  options.timeouts.write = 30s;  // far beyond the test: only eviction can make room
  TestServer s(options);
  RawConnection stuck;
  const int small = 16384;
  ASSERT_EQ(::setsockopt(stuck.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
  ASSERT_TRUE(stuck.Connect(s.port()));
  ASSERT_TRUE(stuck.Send(GetRequest("/big/" + std::to_string(MoreThanSocketsHold()))));
  // Once the answer is coming, a byte the server will not read while it writes: closing the
  // connection then resets it, which the client sees without reading the answer. (Making a body
  // of megabytes took 5 s on a loaded machine.)
  pollfd answer{stuck.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&answer, 1, 30000), 1);
  ASSERT_TRUE(stuck.Send("G"));
  const auto reset = [&] {
    pollfd p{stuck.fd(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
  };
  // While its handler runs the connection is busy (503, and the refused connections make room
  // first while they linger); once its answer waits for the client, a new client takes its place.
  bool served = false;
  EXPECT_TRUE(WaitUntil(
      [&] {
        const auto r = RawRequest(s.port(), GetRequest("/health"), 5s);
        served = served || (r && r->status == 200);
        return served && reset();
      },
      10s));
}

// Lowers this process's soft RLIMIT_NOFILE and takes every descriptor below it, so that the
// server's accept() fails with EMFILE; undone by Restore() or the destructor.
class DescriptorExhaustion {
 public:
  DescriptorExhaustion() {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    int highest = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
      highest = std::max(highest, std::stoi(e.path().filename().string()));
    }
    rlimit low = saved_;
    low.rlim_cur = static_cast<rlim_t>(highest + 32);
    ok_ = ::setrlimit(RLIMIT_NOFILE, &low) == 0;
    for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) hog_.push_back(fd);
  }
  ~DescriptorExhaustion() { Restore(); }
  bool ok() const { return ok_; }
  void Restore() {
    for (const int fd : hog_) ::close(fd);
    hog_.clear();
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }

 private:
  rlimit saved_{};
  std::vector<int> hog_;
  bool ok_ = false;
};

int FailureCount(const std::string& line) {
  std::smatch m;
  if (!std::regex_search(line, m, std::regex("\\(EMFILE\\), ([0-9]+) failures? since"))) return -1;
  return std::stoi(m[1].str());
}

// accept() failing with EMFILE while the server holds no connection to close: it pauses
// (accept_pause) instead of retrying at once, and reports at most once a second with the count.
// With descriptors back, the clients that waited in the backlog are served.
TEST(ServerCapacity, OutOfDescriptorsWithNothingToClosePausesAndReportsOnceASecond) {
  TestServer s;
  RawConnection a, b;  // sockets made now, connected once no descriptor is left
  DescriptorExhaustion exhaustion;
  ASSERT_TRUE(exhaustion.ok());
  // connect() completes through the backlog; the listener cannot accept them.
  const bool connected = a.Connect(s.port()) && b.Connect(s.port()) &&
                         a.Send(GetRequest("/health")) && b.Send(GetRequest("/health"));
  const bool reported = WaitUntil([&] { return s.log().size() >= 2; }, 3s);
  exhaustion.Restore();
  ASSERT_TRUE(connected);
  ASSERT_TRUE(reported) << s.log().size();
  const auto log = s.log();
  const std::string port = std::to_string(s.port());
  EXPECT_EQ(log[0].rfind("cannot accept connections on 127.0.0.1:" + port +
                             ": Too many open files (EMFILE), 1 failure since the last report; ",
                         0),
            0u)
      << log[0];
  const int second = FailureCount(log[1]);
  EXPECT_GE(second, 3) << log[1];   // retried about every 100 ms for a second...
  EXPECT_LE(second, 20) << log[1];  // ...not thousands of times
  const auto ra = a.Read(2s);
  const auto rb = b.Read(2s);
  ASSERT_TRUE(ra && rb) << a.unread() << "|" << b.unread();
  EXPECT_EQ(ra->status, 200);
  EXPECT_EQ(rb->status, 200);
  EXPECT_TRUE(WaitUntil(
      [&] {
        const auto lines = s.log();
        return lines.back().find("accepting connections again after ") != std::string::npos;
      },
      3s))
      << s.log().back();
}

// accept() failing with EMFILE while idle connections are open: the one idle longest is closed to
// free a descriptor, and the client waiting in the backlog is served at once; no other is closed.
TEST(ServerCapacity, OutOfDescriptorsClosesTheConnectionIdleLongest) {
  TestServer s;
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawConnection>(s.port()));
    ASSERT_TRUE(idle.back()->Send(GetRequest("/health")));
    ASSERT_TRUE(idle.back()->Read(2s));
  }
  RawConnection fresh;
  DescriptorExhaustion exhaustion;
  ASSERT_TRUE(exhaustion.ok());
  const auto start = Clock::now();
  ASSERT_TRUE(fresh.Connect(s.port()) && fresh.Send(GetRequest("/health")));
  const auto r = fresh.Read(2s);
  const bool oldest_closed = idle[0]->WaitClosed(2s);
  exhaustion.Restore();
  ASSERT_TRUE(r.has_value()) << fresh.unread();
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(oldest_closed);
  // One client waited, so one connection was closed: accept() fails with EMFILE again once the
  // client took the freed descriptor, with nobody waiting.
  for (size_t i = 1; i < idle.size(); ++i) {
    ASSERT_TRUE(idle[i]->Send(GetRequest("/health")));
    EXPECT_TRUE(idle[i]->Read(2s).has_value()) << i << " was kept";
  }
  ASSERT_FALSE(s.log().empty());
  EXPECT_EQ(FailureCount(s.log()[0]), 1) << s.log()[0];
}

}  // namespace
}  // namespace phpeek::http::testing
