#include "plugins/metrics/http_request.h"

#include <gtest/gtest.h>

namespace phpeek::metrics {
namespace {

HeadParse Parse(const std::string& head, RequestHead* out) { return ParseRequestHead(head, out); }

int Status(const std::string& head) {
  RequestHead r;
  return Parse(head, &r).status;
}

TEST(HttpRequest, HeadLengthFindsTheEmptyLineWithCrlfOrBareLf) {
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n\r\nrest"), 27u);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\nHost: a\n\nrest"), 24u);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n"), 0u);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n\r"), 0u);
  EXPECT_EQ(HeadLength(""), 0u);
  EXPECT_EQ(LeadingEmptyLines("\r\n\r\nGET"), 4u);
  EXPECT_EQ(LeadingEmptyLines("GET"), 0u);
}

TEST(HttpRequest, ParsesMethodTargetVersionAndConnection) {
  RequestHead r;
  ASSERT_EQ(Parse("GET /metrics?a=b HTTP/1.1\r\nHost: x\r\n\r\n", &r).status, 0);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/metrics?a=b");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.has_body);

  ASSERT_EQ(Parse("HEAD / HTTP/1.1\r\nhost: x\r\nConnection: TE, Close\r\n\r\n", &r).status, 0);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.0\r\n\r\n", &r).status, 0);  // Host is optional in 1.0
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.0\nConnection: keep-alive\n\n", &r).status, 0);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.minor_version, 0);
}

TEST(HttpRequest, BodiesAreNotedSoTheConnectionCloses) {
  RequestHead r;
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", &r).status, 0);
  EXPECT_FALSE(r.has_body);
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n", &r).status, 0);
  EXPECT_TRUE(r.has_body);
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &r)
                .status,
            0);
  EXPECT_TRUE(r.has_body);
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", &r).status, 0);
  EXPECT_TRUE(r.has_body);
}

TEST(HttpRequest, AmbiguousFramingIsA400) {
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"),
            400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n"),
            400);
}

TEST(HttpRequest, MalformedHeadsAreRefused) {
  EXPECT_EQ(Status("GET / XTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1x\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
  EXPECT_EQ(Status("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 505);
  EXPECT_EQ(Status("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("G(T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\n\r\n"), 400);  // no Host
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\n"), 400);
  EXPECT_EQ(Status("GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n"), 400);
  const char nul[] = "GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n";
  EXPECT_EQ(Status(std::string(nul, sizeof(nul) - 1)), 400);
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 100; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(Status(many + "\r\n"), 431);
}

}  // namespace
}  // namespace phpeek::metrics
