// The metrics listener in-process, on real loopback sockets, with short limits so that deadlines
// are reached in milliseconds.
#include "plugins/metrics/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

#include "plugins/metrics/exposition.h"
#include "tests/support/test_support.h"
#include "tests/unit/metrics/raw_http.h"

namespace phpeek::metrics {
namespace {

using namespace std::chrono_literals;
using phpeek::testing::WaitUntil;
using testing::RawConnection;
using testing::RawRequest;
using Clock = std::chrono::steady_clock;

std::string Get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n"; }

size_t ThreadCount() {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    (void)e;
    ++n;
  }
  return n;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& path = "/metrics") {
    HttpOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.metrics_path = path;
    options.limits = limits_;
    std::string err;
    ASSERT_TRUE(server_.Start(options, &err)) << err;
    port_ = server_.bound_port();
    ASSERT_GT(port_, 0);
  }

  std::vector<std::string> Warnings() {
    std::lock_guard<std::mutex> lock(mu_);
    return warnings_;
  }

  HttpLimits limits_;
  std::atomic<int> scrapes_{0};
  std::atomic<size_t> big_{0};  // the next scrape answers this many bytes
  std::mutex mu_;
  std::vector<std::string> warnings_;
  HttpServer server_{
      [this] {
        ++scrapes_;
        const size_t big = big_.exchange(0);
        return HttpResponse{
            200, std::string(kTextContentType), big > 0 ? std::string(big, 'x') : "up 1\n", {}};
      },
      [this](const std::string& m) {
        std::lock_guard<std::mutex> lock(mu_);
        warnings_.push_back(m);
      }};
  int port_ = 0;
};

TEST_F(HttpServerTest, ServesMetricsPathAndHealth) {
  StartServer("/custom/metrics");
  const auto m = RawRequest(port_, Get("/custom/metrics"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(m->body, "up 1\n");
  EXPECT_EQ(RawRequest(port_, Get("/custom/metrics?name[]=x"))->body, "up 1\n");
  EXPECT_EQ(RawRequest(port_, Get("http://t/custom/metrics"))->body, "up 1\n");  // absolute-form
  const auto h = RawRequest(port_, Get("/health"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->Header("Content-Type"), "application/json");
  EXPECT_EQ(h->body, "{\"status\":\"healthy\"}\n");
  EXPECT_EQ(scrapes_.load(), 3);
  EXPECT_EQ(server_.bound_address(), "127.0.0.1:" + std::to_string(port_));
}

TEST_F(HttpServerTest, OtherPathsAndMethodsAreRefusedAndHeadMatchesGet) {
  StartServer();
  EXPECT_EQ(RawRequest(port_, Get("/"))->status_line, "HTTP/1.1 404 Not Found");
  EXPECT_EQ(RawRequest(port_, Get("/metricsx"))->status, 404);
  const auto post = RawRequest(port_, "POST /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status_line, "HTTP/1.1 405 Method Not Allowed");
  EXPECT_EQ(post->Header("Allow"), "GET, HEAD");
  for (const std::string path : {"/metrics", "/health", "/nope"}) {
    RawConnection c(port_);
    ASSERT_TRUE(c.Send("HEAD " + path + " HTTP/1.1\r\nHost: t\r\n\r\n" + Get(path)));
    const auto head = c.Read(2s, /*head_only=*/true);
    const auto get = c.Read(2s);
    ASSERT_TRUE(head && get) << path;
    EXPECT_EQ(head->status_line, get->status_line) << path;
    EXPECT_EQ(head->HeadersWithoutDate(), get->HeadersWithoutDate()) << path;
    EXPECT_FALSE(head->Header("Content-Type").empty()) << path;
  }
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  StartServer();
  RawConnection c(port_);
  ASSERT_TRUE(c.Send(Get("/health") + "\r\n" + Get("/metrics") + Get("/nope")));
  EXPECT_EQ(c.Read(2s)->body, "{\"status\":\"healthy\"}\n");
  EXPECT_EQ(c.Read(2s)->body, "up 1\n");
  EXPECT_EQ(c.Read(2s)->status, 404);
  ASSERT_TRUE(c.Send(Get("/health")));  // still open
  EXPECT_EQ(c.Read(2s)->status, 200);
}

TEST_F(HttpServerTest, ListeningAndAcceptedSocketsAreCloseOnExec) {
  StartServer();
  RawConnection client(port_);
  ASSERT_TRUE(client.Send(Get("/health")));
  ASSERT_TRUE(client.Read(2s));  // the server side of it is open now
  int sockets = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(e.path(), ec).string();
    if (ec || target.rfind("socket:", 0) != 0) continue;
    const int fd = std::stoi(e.path().filename().string());
    if (fd == client.fd()) continue;  // the test's own end
    ++sockets;
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd << " leaks into children";
  }
  EXPECT_GE(sockets, 2);  // listener and accepted connection
}

TEST_F(HttpServerTest, PortIsNotSharedThroughSoReusePort) {
  StartServer();
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_NE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
      << "a second listener could share the metrics port";
  ::close(fd);

  HttpServer second([] { return HttpResponse{}; });
  HttpOptions options;
  options.port = port_;
  std::string err;
  EXPECT_FALSE(second.Start(options, &err));
  EXPECT_NE(err.find("127.0.0.1:" + std::to_string(port_)), std::string::npos) << err;
}

TEST_F(HttpServerTest, OneThreadServesEveryConnectionAndStopJoinsIt) {
  const size_t baseline = ThreadCount();
  StartServer();
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<RawConnection>(port_));
    clients.back()->Send(Get("/health"));
  }
  for (auto& c : clients) EXPECT_TRUE(c->Read(2s).has_value());
  EXPECT_EQ(ThreadCount(), baseline + 1);
  server_.Stop();  // with connections still open
  EXPECT_EQ(ThreadCount(), baseline);
  for (auto& c : clients) EXPECT_TRUE(c->WaitClosed(2s));
  server_.Stop();  // idempotent
}

TEST_F(HttpServerTest, TheBoundAddressOfAnIpv6ListenerIsBracketed) {
  HttpServer s([] { return HttpResponse{}; });
  HttpOptions options;
  options.host = "::1";
  options.port = 0;
  std::string err;
  if (!s.Start(options, &err)) GTEST_SKIP() << "no IPv6 loopback here: " << err;
  EXPECT_EQ(s.bound_address(), "[::1]:" + std::to_string(s.bound_port()));
}

TEST_F(HttpServerTest, BindErrorNamesTheAddress) {
  HttpServer s([] { return HttpResponse{}; });
  HttpOptions options;
  options.host = "not-an-address.invalid";
  options.port = 1;
  std::string err;
  EXPECT_FALSE(s.Start(options, &err));
  EXPECT_NE(err.find("not-an-address.invalid:1"), std::string::npos) << err;
}

TEST_F(HttpServerTest, IdleAndSilentConnectionsAreClosedAfterTheIdleTimeout) {
  limits_.idle_timeout = 200ms;
  StartServer();
  RawConnection silent(port_);
  RawConnection kept(port_);
  ASSERT_TRUE(kept.Send(Get("/health")));
  ASSERT_TRUE(kept.Read(2s));
  const auto start = Clock::now();
  EXPECT_TRUE(silent.WaitClosed(3s));
  EXPECT_TRUE(kept.WaitClosed(3s));
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_TRUE(silent.unread().empty());  // nothing was asked, nothing is answered
}

TEST_F(HttpServerTest, ASlowSenderGets408AtOneDeadlineForTheWholeHead) {
  limits_.request_timeout = 300ms;
  StartServer();
  RawConnection slow(port_);
  const auto start = Clock::now();
  ASSERT_TRUE(slow.Send("GET /metrics HTTP/1.1\r\n"));
  std::optional<testing::RawResponse> answer;
  // A byte every 20 ms: no gap is ever long, the whole head never comes.
  while (!answer && Clock::now() - start < 3s) {
    slow.Send("X");
    answer = slow.Read(20ms);
  }
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 408);
  EXPECT_EQ(answer->Header("Connection"), "close");
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_TRUE(slow.WaitClosed(2s));
  EXPECT_EQ(scrapes_.load(), 0);  // the partial request ran nothing
}

TEST_F(HttpServerTest, WhenEverySlotIsTakenTheConnectionServedLongestAgoMakesRoom) {
  limits_.max_connections = 4;
  StartServer();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(idle.back()->Send(Get("/health")));
    ASSERT_TRUE(idle.back()->Read(2s));
  }
  // Four slow senders arrive next: each takes the slot of the connection served longest ago.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(slow.back()->Send("GET /metrics HTTP/1.1\r\n"));
    EXPECT_TRUE(idle[static_cast<size_t>(i)]->WaitClosed(2s)) << i;
  }
  // A scraper still gets in, at once: the oldest slow sender makes room.
  const auto start = Clock::now();
  const auto r = RawRequest(port_, Get("/metrics"), 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(slow.front()->WaitClosed(2s));
}

TEST_F(HttpServerTest, AClientThatReadsTooSlowlyIsClosedAtTheWriteDeadline) {
  limits_.write_timeout = 300ms;
  StartServer();
  constexpr size_t kBig = 32 << 20;  // far more than loopback socket buffers hold
  big_ = kBig;
  RawConnection slow(port_);
  ASSERT_TRUE(slow.Send(Get("/metrics")));
  // Others are served meanwhile.
  const auto other = RawRequest(port_, Get("/health"), 5s);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->status, 200);
  // Reading 16 KiB every 10 ms would take 20 s for the whole body; the server gives up after
  // 300 ms, and the client sees the end of the stream once the buffers are drained.
  size_t received = 0;
  bool closed = false;
  const auto start = Clock::now();
  while (!closed && Clock::now() - start < 20s) {
    char buf[16384];
    const ssize_t n = ::recv(slow.fd(), buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) received += static_cast<size_t>(n);
    closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    std::this_thread::sleep_for(10ms);  // the pace of the slow reader
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(received, kBig);
}

// accept() failing with EMFILE while the listener holds no connection to close: it pauses
// (accept_backoff) instead of retrying at once, and reports at most once a second with the count.
TEST_F(HttpServerTest, OutOfDescriptorsPausesAcceptAndReportsOncePerSecondWithACount) {
  StartServer();
  RawConnection a, b;  // sockets made now, connected once no descriptor is left
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  int highest = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    highest = std::max(highest, std::stoi(e.path().filename().string()));
  }
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(highest + 32);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> hog;
  for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) hog.push_back(fd);
  // connect() completes through the backlog; the listener cannot accept them.
  const bool connected =
      a.Connect(port_) && b.Connect(port_) && a.Send(Get("/health")) && b.Send(Get("/health"));
  const bool reported = WaitUntil([&] { return Warnings().size() >= 2; }, 3s);
  for (const int fd : hog) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  ASSERT_TRUE(connected);
  ASSERT_TRUE(reported) << Warnings().size();
  const auto w = Warnings();
  EXPECT_NE(w[0].find("cannot accept connections on 127.0.0.1:" + std::to_string(port_) +
                      ": Too many open files (1 failure since the last report"),
            std::string::npos)
      << w[0];
  std::smatch m;
  ASSERT_TRUE(std::regex_search(w[1], m, std::regex("\\(([0-9]+) failures? since"))) << w[1];
  const int second = std::stoi(m[1].str());
  EXPECT_GE(second, 3) << w[1];   // retried about every 100 ms for a second...
  EXPECT_LE(second, 20) << w[1];  // ...not thousands of times
  // With descriptors back, both waiting clients are served.
  const auto ra = a.Read(2s);
  const auto rb = b.Read(2s);
  ASSERT_TRUE(ra && rb) << a.unread() << "|" << b.unread() << "|" << w.size() << w.back();
  EXPECT_EQ(ra->status, 200);
  EXPECT_EQ(rb->status, 200);
}

}  // namespace
}  // namespace phpeek::metrics
