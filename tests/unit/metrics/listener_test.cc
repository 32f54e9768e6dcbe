// The metrics listener in-process, on real loopback sockets: its routes through the real server
// (HEAD like GET on every path), its limits (8 KiB heads, bodies never read), and its bound
// address. The server's own behaviour (deadlines, capacity, descriptors) is tested with the
// server, in tests/unit/plugins_http.
#include "plugins/metrics/listener.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugins/metrics/exposition.h"
#include "tests/support/raw_http.h"

namespace phpeek::metrics {
namespace {

using namespace std::chrono_literals;
using http::testing::RawConnection;
using http::testing::RawRequest;

std::string Get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n"; }

class ListenerTest : public ::testing::Test {
 protected:
  void StartListener(const std::string& path = "/metrics") {
    ListenerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.metrics_path = path;
    std::string err;
    ASSERT_TRUE(listener_.Start(options, &err)) << err;
    port_ = listener_.bound_port();
    ASSERT_GT(port_, 0);
  }

  std::atomic<int> scrapes_{0};
  MetricsListener listener_{[this] {
    ++scrapes_;
    return HttpResponse{200, std::string(kTextContentType), "up 1\n", {}};
  }};
  int port_ = 0;
};

TEST_F(ListenerTest, ServesMetricsPathAndHealth) {
  StartListener("/custom/metrics");
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
  EXPECT_EQ(scrapes_.load(), 3) << "one reading per scrape that arrives after the last one began";
  EXPECT_EQ(listener_.bound_address(), "127.0.0.1:" + std::to_string(port_));
}

TEST_F(ListenerTest, OtherPathsAndMethodsAreRefusedAndHeadMatchesGet) {
  StartListener();
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

// Prometheus sends no body: a request with one is answered, and its connection closes (the body's
// bytes are never taken for a request). Request heads are bounded at 8 KiB.
TEST_F(ListenerTest, BodiesAreNeverReadAndHeadsAreBounded) {
  StartListener();
  RawConnection body(port_);
  ASSERT_TRUE(body.Send("GET /health HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nGET /"));
  const auto r = body.Read(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(body.WaitClosed(3s));
  const auto big = RawRequest(
      port_, "GET /health HTTP/1.1\r\nHost: t\r\nX: " + std::string(9000, 'a') + "\r\n\r\n");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 431);
  EXPECT_EQ(big->body, "the request head is larger than 8192 bytes\n");
}

TEST_F(ListenerTest, APortInUseIsAnErrorNamingTheAddressAndTheSetting) {
  StartListener();
  MetricsListener second([] { return HttpResponse{}; });
  ListenerOptions options;
  options.port = port_;
  std::string err;
  EXPECT_FALSE(second.Start(options, &err));
  EXPECT_NE(err.find("127.0.0.1:" + std::to_string(port_)), std::string::npos) << err;
  EXPECT_NE(err.find("metrics_port"), std::string::npos) << err;
}

TEST_F(ListenerTest, TheBoundAddressOfAnIpv6ListenerIsBracketed) {
  MetricsListener s([] { return HttpResponse{}; });
  ListenerOptions options;
  options.host = "::1";
  options.port = 0;
  std::string err;
  if (!s.Start(options, &err)) GTEST_SKIP() << "no IPv6 loopback here: " << err;
  EXPECT_EQ(s.bound_address(), "[::1]:" + std::to_string(s.bound_port()));
}

}  // namespace
}  // namespace phpeek::metrics
