// The metrics listener of the real daemon under hostile or sloppy clients: idle keep-alive
// connections, clients that never send, slow senders, HEAD, bad framing and running out of file
// descriptors. Every wait has a deadline; "well within Prometheus's 10 s scrape timeout" is 5 s (a
// listener that queues a scrape behind idle keep-alive connections makes it wait their 15 s).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/metrics/metrics_daemon.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_support.h"

namespace phpeek::metrics {
namespace {

using namespace std::chrono_literals;
using http::testing::RawConnection;
using http::testing::RawRequest;
using http::testing::RawResponse;
using phpeek::testing::ScopedNofileLimit;
using phpeek::testing::WaitUntil;
using testing::MetricsDaemon;
using Clock = std::chrono::steady_clock;

const char* kSleeper = "  web:\n    command: [\"sleep\", \"600\"]\n";
const std::string kScrape = "GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n";

// Connections that send one byte of a never-ending header every `period` from their own thread.
class SlowSenders {
 public:
  SlowSenders(int port, int count, std::chrono::milliseconds period) {
    for (int i = 0; i < count; ++i) {
      conns_.push_back(std::make_unique<RawConnection>(port));
      conns_.back()->Send("GET /metrics HTTP/1.1\r\nHost: t\r\nX-Slow: ");
    }
    thread_ = std::thread([this, period] {
      while (!stop_) {
        for (auto& c : conns_) c->Send("x");
        for (auto waited = 0ms; waited < period && !stop_; waited += 10ms) {
          std::this_thread::sleep_for(10ms);  // the pace of the attack, not a wait for an event
        }
      }
    });
  }
  ~SlowSenders() {
    stop_ = true;
    thread_.join();
  }
  RawConnection& at(size_t i) { return *conns_.at(i); }

 private:
  std::vector<std::unique_ptr<RawConnection>> conns_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Times one scrape on a fresh connection.
std::chrono::milliseconds TimedScrape(int port, int* status) {
  const auto start = Clock::now();
  const auto r = RawRequest(port, kScrape, 9s);
  *status = r ? r->status : 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

TEST(MetricsListener, IdleKeepAliveSilentAndSlowClientsNeverDelayAScrape) {
  MetricsDaemon d(kSleeper);
  ASSERT_GT(d.metrics_port(), 0) << d.daemon().Log();
  // 70 keep-alive connections left idle after one request each (more than the old listener's 4
  // threads and 16 queue places, and more than the new one's 64 slots), 8 that never send a byte,
  // 8 slow senders.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 70; ++i) {
    idle.push_back(std::make_unique<RawConnection>(d.metrics_port()));
    idle.back()->Send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
  }
  const auto setup_end = Clock::now() + 3s;
  for (auto& c : idle) {
    c->Read(std::max(
        std::chrono::duration_cast<std::chrono::milliseconds>(setup_end - Clock::now()), 1ms));
  }
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 8; ++i) silent.push_back(std::make_unique<RawConnection>(d.metrics_port()));
  SlowSenders slow(d.metrics_port(), 8, 500ms);

  for (int round = 0; round < 3; ++round) {
    int status = 0;
    const auto took = TimedScrape(d.metrics_port(), &status);
    EXPECT_EQ(status, 200) << "round " << round;
    EXPECT_LT(took, 5s) << "round " << round << ": the scrape waited behind idle connections";
  }
  // The keep-alive connections the server did not evict are still served. Which ones those are
  // is the server's order (the oldest waiting goes first, by when each was last answered), not
  // the order the test opened them in: under load the last one opened may be answered early and
  // evicted. An evicted one is closed, so its read ends at once.
  bool served = false;
  for (auto it = idle.rbegin(); it != idle.rend() && !served; ++it) {
    if (!(*it)->Send(kScrape)) continue;
    const auto again = (*it)->Read(2s);
    served = again.has_value() && again->status == 200;
  }
  EXPECT_TRUE(served) << "every idle keep-alive connection was dropped";
}

// One deadline for the whole head: a byte every 300 ms never lets a per-read timeout fire, but
// the request is cut 5 s after its first byte with 408 and the connection closed.
TEST(MetricsListener, ASlowSenderIsCutOffAtOneDeadlineWith408) {
  MetricsDaemon d(kSleeper);
  ASSERT_GT(d.metrics_port(), 0) << d.daemon().Log();
  const auto start = Clock::now();
  SlowSenders slow(d.metrics_port(), 1, 300ms);
  const auto answer = slow.at(0).Read(9s);
  ASSERT_TRUE(answer.has_value()) << "a slow sender held its connection for 9 s";
  EXPECT_EQ(answer->status, 408);
  EXPECT_EQ(answer->Header("Connection"), "close");
  EXPECT_TRUE(slow.at(0).WaitClosed(3s));
  EXPECT_LT(Clock::now() - start, 8s);
}

// HEAD answers exactly like GET (status line and every header but Date), without a body, on every
// path; the next pipelined answer starts right after HEAD's head. The only process is disabled, so
// the exposition is the same at both scrapes.
TEST(MetricsListener, HeadAnswersLikeGetWithoutTheBody) {
  MetricsDaemon d("  web:\n    command: [\"sleep\", \"600\"]\n    enabled: false\n");
  ASSERT_GT(d.metrics_port(), 0) << d.daemon().Log();
  for (const std::string path : {"/metrics", "/health", "/nope", "/metrics?x=1"}) {
    RawConnection c(d.metrics_port());
    ASSERT_TRUE(c.Send("HEAD " + path + " HTTP/1.1\r\nHost: t\r\n\r\nGET " + path +
                       " HTTP/1.1\r\nHost: t\r\n\r\n"));
    const auto head = c.Read(5s, /*head_only=*/true);
    const auto get = c.Read(5s);
    ASSERT_TRUE(head && get) << path;
    EXPECT_EQ(head->status_line, get->status_line) << path;
    EXPECT_EQ(head->HeadersWithoutDate(), get->HeadersWithoutDate()) << path;
    EXPECT_FALSE(head->Header("Content-Type").empty()) << path;
    EXPECT_EQ(head->Header("Content-Length"), std::to_string(get->body.size())) << path;
    EXPECT_FALSE(head->Header("Date").empty()) << path;
    EXPECT_TRUE(c.unread().empty()) << path;
  }
  const auto ok =
      RawRequest(d.metrics_port(), "HEAD /metrics HTTP/1.1\r\nHost: t\r\n\r\n", 5s, true);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(ok->Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto missing = RawRequest(d.metrics_port(), "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status_line, "HTTP/1.1 404 Not Found");
  const auto post = RawRequest(d.metrics_port(), "POST /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status_line, "HTTP/1.1 405 Method Not Allowed");
  EXPECT_EQ(post->Header("Allow"), "GET, HEAD");
}

// Ambiguous or broken framing is a 400 and the connection closed; nothing is echoed back.
TEST(MetricsListener, BadFramingIsRefusedAndTheConnectionClosed) {
  MetricsDaemon d(kSleeper);
  ASSERT_GT(d.metrics_port(), 0) << d.daemon().Log();
  const std::vector<std::pair<std::string, int>> cases = {
      {"GET /metrics XTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET /metrics HTTP/2.0\r\nHost: t\r\n\r\n", 505},
      {"GET /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\nTransfer-Encoding: "
       "chunked\r\n\r\n",
       400},
      {"GET /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\n", 400},
      {"GET /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
      {"GET /health HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n",
       400},
      {"GET /health HTTP/1.1\r\n\r\n", 400},  // no Host
      {"GET /health HTTP/1.1\r\nHost: t\r\n Folded: x\r\n\r\n", 400},
      {"GET /health HTTP/1.1\r\nHost: t\r\nNo colon here\r\n\r\n", 400},
      {"GET /health HTTP/1.1\r\nHost: t\r\nX: " + std::string(9000, 'a') + "\r\n\r\n", 431},
  };
  for (const auto& [request, status] : cases) {
    RawConnection c(d.metrics_port());
    ASSERT_TRUE(c.Send(request));
    const auto r = c.Read(5s);
    ASSERT_TRUE(r.has_value()) << request.substr(0, 80);
    EXPECT_EQ(r->status, status) << request.substr(0, 80);
    EXPECT_EQ(r->status_line.rfind("HTTP/1.1 ", 0), 0u) << r->status_line;
    EXPECT_EQ(r->Header("Connection"), "close") << request.substr(0, 80);
    EXPECT_TRUE(c.WaitClosed(3s)) << request.substr(0, 80);
  }
  // A body is never read: the answer comes, then the connection closes (its bytes are no request).
  RawConnection body(d.metrics_port());
  ASSERT_TRUE(body.Send("GET /health HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nGET /"));
  const auto r = body.Read(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(body.WaitClosed(3s));
  // HTTP/1.0 closes unless it asks to keep the connection.
  RawConnection old(d.metrics_port());
  ASSERT_TRUE(old.Send("GET /health HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(old.Read(5s));
  EXPECT_TRUE(old.WaitClosed(3s));
  RawConnection kept(d.metrics_port());
  ASSERT_TRUE(kept.Send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  const auto first = kept.Read(5s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->Header("Connection"), "keep-alive");
  ASSERT_TRUE(kept.Send("GET /health HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(kept.Read(5s).has_value());
}

double CpuSeconds(pid_t pid) {
  const std::string stat = phpeek::testing::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  std::istringstream in(stat.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15; ++i) {
    in >> field;
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// With descriptors exhausted, accept() fails at once every time it is tried: the listener must
// neither spin on it nor log every failure, and a scrape still gets in (the connections served
// longest ago make room).
TEST(MetricsListener, RunningOutOfDescriptorsNeitherSpinsNorFloodsTheLogAndScrapesGetIn) {
  std::unique_ptr<MetricsDaemon> d;
  {
    ScopedNofileLimit limit(48);
    d = std::make_unique<MetricsDaemon>(kSleeper);
  }
  const int port = d->metrics_port();
  ASSERT_GT(port, 0) << d->daemon().Log();
  // The flood starts once the daemon is up: the plugin listens before the core has made its own
  // descriptors, and with 48 of them a flood at that moment leaves the core none.
  ASSERT_TRUE(d->WaitValue(testing::Up("web", "web-0"), 1)) << d->daemon().Log();
  const auto flood_start = Clock::now();
  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < 80; ++i) flood.push_back(std::make_unique<RawConnection>(port));
  ASSERT_TRUE(d->daemon().WaitForLog("Too many open files", 5s)) << d->daemon().Log();

  const double cpu_before = CpuSeconds(d->daemon().pid());
  const auto start = Clock::now();
  int scrapes = 0;
  // Two seconds of pressure: a new connection and a scrape every 100 ms.
  for (auto next = start; Clock::now() - start < 2s; next += 100ms) {
    if (flood.size() < 300) flood.push_back(std::make_unique<RawConnection>(port));
    int status = 0;
    const auto took = TimedScrape(port, &status);
    ASSERT_EQ(status, 200) << "scrape " << scrapes << d->daemon().Log();
    ASSERT_LT(took, 5s) << "scrape " << scrapes;
    ++scrapes;
    std::this_thread::sleep_until(next + 100ms);  // the pace of the load, not a wait for an event
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = CpuSeconds(d->daemon().pid()) - cpu_before;
  // Spinning on accept() burns a whole core; twenty scrapes cost a few milliseconds.
  EXPECT_LT(cpu, 0.3 * elapsed) << "the daemon spun on accept(): " << cpu << " s of CPU in "
                                << elapsed << " s";
  const std::string log = d->daemon().Log();
  const size_t reports = phpeek::testing::CountOf(log, "cannot accept connections on 127.0.0.1:");
  EXPECT_GE(reports, 1u) << log;
  const double logging = std::chrono::duration<double>(Clock::now() - flood_start).count();
  EXPECT_LE(reports, 2 + static_cast<size_t>(logging)) << log;  // at most one a second
  EXPECT_TRUE(std::regex_search(
      log, std::regex("Too many open files \\(EMFILE\\), [0-9]+ failures? since")))
      << log;
}

}  // namespace
}  // namespace phpeek::metrics
