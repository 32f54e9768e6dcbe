// The HTTP client against real sockets: a server thread answers one connection with canned bytes.
#include "core/cli/client/http_client.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/test_support.h"
#include "tests/unit/cli/client/canned_server.h"

namespace phpeek::cli::client {
namespace {

using namespace std::chrono_literals;
using testing::CannedAnswer;
using testing::CannedServer;
using testing::TcpAddress;

HttpResult Get(const CannedServer& s, HttpOptions options = {}) {
  HttpRequest r;
  r.target = "/api/v1/processes";
  return HttpExchange(TcpAddress(s), r, options);
}

CannedAnswer Pieces(std::vector<std::string> pieces, std::chrono::milliseconds pause = 0ms) {
  CannedAnswer a;
  a.pieces = std::move(pieces);
  a.pause = pause;
  return a;
}

TEST(HttpClient, SendsAWellFormedRequestAndReadsAContentLengthAnswer) {
  CannedServer server(
      Pieces({"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
              "content-length:  12 \r\n\r\n{\"ok\":true}\n"}));
  ASSERT_TRUE(server.listening());
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/processes/web/scale";
  r.body = "{\"scale\":3}";
  r.bearer_token = "s3cret";
  const HttpResult result = HttpExchange(TcpAddress(server), r);
  ASSERT_TRUE(result.answered) << result.error;
  EXPECT_TRUE(result.connected);
  EXPECT_EQ(result.response.status, 202);
  EXPECT_EQ(result.response.body, "{\"ok\":true}\n");
  ASSERT_NE(result.response.Header("CONTENT-LENGTH"), nullptr);
  EXPECT_EQ(*result.response.Header("Content-Length"), "12");
  const std::string port = std::to_string(server.port());
  EXPECT_EQ(server.Request(),
            "POST /api/v1/processes/web/scale HTTP/1.1\r\nHost: 127.0.0.1:" + port +
                "\r\nAccept: application/json\r\nConnection: close\r\n"
                "Authorization: Bearer s3cret\r\nContent-Type: application/json\r\n"
                "Content-Length: 11\r\n\r\n{\"scale\":3}");
}

TEST(HttpClient, GetHasNoBodyHeadersAndAnEmptyPostHasContentLengthZero) {
  CannedServer get(Pieces({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}));
  EXPECT_TRUE(Get(get).answered);
  EXPECT_EQ(get.Request().find("Content-Length"), std::string::npos) << get.Request();
  EXPECT_EQ(get.Request().find("Authorization"), std::string::npos) << get.Request();
  CannedServer post(Pieces({"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"}));
  HttpRequest r;
  r.method = "POST";
  r.target = "/x";
  EXPECT_TRUE(HttpExchange(TcpAddress(post), r).answered);
  EXPECT_NE(post.Request().find("\r\nContent-Length: 0\r\n"), std::string::npos);
}

TEST(HttpClient, ReadsAChunkedAnswerArrivingInPieces) {
  // Split inside the status line, a chunk size, chunk data and the final CRLF.
  CannedServer server(Pieces({"HTTP/1.1 2", "00 OK\r\nTransfer-Encoding: Chunked\r\n\r\n5",
                              ";ext=1\r\nhel", "lo\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n",
                              "\r"
                              "\n"},
                             5ms));
  const HttpResult r = Get(server);
  ASSERT_TRUE(r.answered) << r.error;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "hello world");
}

TEST(HttpClient, ReadsABodyThatEndsWithTheConnection) {
  CannedServer server(Pieces({"HTTP/1.1 404 Not Found\r\n\r\n{\"error\":", "\"nope\"}"}, 5ms));
  const HttpResult r = Get(server);
  ASSERT_TRUE(r.answered) << r.error;
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(r.response.body, "{\"error\":\"nope\"}");
}

TEST(HttpClient, SkipsInterimAnswersAndReadsNoBodyAfter204) {
  CannedServer server(
      Pieces({"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX: y\r\n\r\n"}));
  CannedAnswer hold = Pieces({"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"});
  hold.hold_open = true;  // 204 has no body: the client must not wait for the end
  CannedServer held(hold);
  for (CannedServer* s : {&server, &held}) {
    HttpOptions options;
    options.timeout = 5s;
    const auto start = std::chrono::steady_clock::now();
    const HttpResult r = Get(*s, options);
    ASSERT_TRUE(r.answered) << r.error;
    EXPECT_EQ(r.response.status, 204);
    EXPECT_TRUE(r.response.body.empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  }
}

TEST(HttpClient, BoundsTheAnswerSize) {
  HttpOptions options;
  options.max_body = 10;
  CannedServer declared(Pieces({"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"}));
  HttpResult r = Get(declared, options);
  EXPECT_FALSE(r.answered);
  EXPECT_TRUE(r.connected);
  EXPECT_EQ(r.error, "the answer exceeds 10 bytes");
  CannedServer until_end(Pieces({"HTTP/1.1 200 OK\r\n\r\nhello ", "world"}, 5ms));
  r = Get(until_end, options);
  EXPECT_EQ(r.error, "the answer exceeds 10 bytes");
  CannedServer chunked(
      Pieces({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello "
              "\r\n5\r\nworld\r\n0\r\n\r\n"}));
  r = Get(chunked, options);
  EXPECT_EQ(r.error, "the answer exceeds 10 bytes");
  CannedAnswer endless_head = Pieces({"HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a')});
  endless_head.hold_open = true;
  CannedServer big_head(endless_head);
  r = Get(big_head);
  EXPECT_EQ(r.error, "the header block exceeds 65536 bytes");
}

TEST(HttpClient, ASilentServerTimesOut) {
  CannedAnswer silent;
  silent.hold_open = true;
  CannedServer server(silent);
  HttpOptions options;
  options.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const HttpResult r = Get(server, options);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(r.answered);
  EXPECT_TRUE(r.connected);
  EXPECT_EQ(r.error, "timed out waiting for the answer");
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
}

TEST(HttpClient, ASlowServerCannotStretchTheDeadline) {
  // One byte every 50 ms keeps each read short; the exchange's single deadline still ends it.
  CannedAnswer slow = Pieces({"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"}, 50ms);
  slow.hold_open = true;
  slow.dribble = true;
  CannedServer server(slow);
  HttpOptions options;
  options.timeout = 400ms;
  const auto start = std::chrono::steady_clock::now();
  const HttpResult r = Get(server, options);
  EXPECT_EQ(r.error, "timed out waiting for the answer");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HttpClient, ReportsTruncatedAndMalformedAnswers) {
  struct Case {
    std::string bytes;
    std::string error;
  } cases[] = {
      {"", "the connection closed without an answer"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
       "the connection closed before the end of the answer"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
       "the connection closed before the end of the answer"},
      {"HTTP/1.1 200 OK\r\nContent-Le", "the connection closed before the end of the answer"},
      {"SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.x answer: 'SSH-2.0-OpenSSH'"},
      {"HTTP/1.1 99 Odd\r\n\r\n", "not an HTTP/1.x answer: 'HTTP/1.1 99 Odd'"},
      {"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "malformed header line 'no colon'"},
      {"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", "malformed header line ' folded'"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length '-1'"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
       "conflicting Content-Length headers"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
       "unsupported Transfer-Encoding 'gzip'"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size 'zz'"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
       "malformed chunk: no CRLF after data"},
  };
  for (const Case& c : cases) {
    CannedServer server(Pieces({c.bytes}));
    const HttpResult r = Get(server);
    EXPECT_FALSE(r.answered) << c.bytes;
    EXPECT_TRUE(r.connected) << c.bytes;
    EXPECT_EQ(r.error, c.error) << c.bytes;
  }
}

TEST(HttpClient, ConnectionRefusedIsNamed) {
  const int port = phpeek::testing::FreePort();  // bound and released: nobody listens there
  HttpAddress a;
  a.host = "127.0.0.1";
  a.port = std::to_string(port);
  const HttpResult r = HttpExchange(a, HttpRequest{});
  EXPECT_FALSE(r.connected);
  EXPECT_EQ(r.error, "connection refused");
}

TEST(HttpClient, SpeaksOverAUnixSocket) {
  phpeek::testing::TempDir dir;
  const std::string path = dir.Join("api.sock");
  CannedServer server(Pieces({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"}),
                      CannedServer::Kind::kUnix, path);
  ASSERT_TRUE(server.listening());
  HttpAddress a;
  std::string err;
  ASSERT_TRUE(ParseHttpAddress("unix:" + path, &a, &err)) << err;
  const HttpResult r = HttpExchange(a, HttpRequest{});
  ASSERT_TRUE(r.answered) << r.error;
  EXPECT_EQ(r.response.body, "{}");
  EXPECT_NE(server.Request().find("\r\nHost: localhost\r\n"), std::string::npos);
  a.unix_path = dir.Join("missing.sock");
  const HttpResult missing = HttpExchange(a, HttpRequest{});
  EXPECT_FALSE(missing.connected);
  EXPECT_EQ(missing.error, a.unix_path + ": No such file or directory");
}

TEST(HttpClient, SpeaksIpv6) {
  CannedServer server(Pieces({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6"}),
                      CannedServer::Kind::kIpv6);
  if (!server.listening()) GTEST_SKIP() << "no IPv6 loopback on this machine";
  HttpAddress a;
  std::string err;
  ASSERT_TRUE(ParseHttpAddress("http://[::1]:" + std::to_string(server.port()) + "/", &a, &err));
  const HttpResult r = HttpExchange(a, HttpRequest{});
  ASSERT_TRUE(r.answered) << r.error;
  EXPECT_EQ(r.response.body, "v6");
  EXPECT_NE(server.Request().find("\r\nHost: [::1]:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos);
}

TEST(HttpClient, RefusesHeaderInjectionBeforeConnecting) {
  HttpAddress a;
  a.host = "127.0.0.1";
  a.port = "1";
  HttpRequest r;
  r.bearer_token = "tok\r\nX-Evil: 1";
  HttpResult result = HttpExchange(a, r);
  EXPECT_FALSE(result.connected);
  EXPECT_EQ(result.error, "the token contains spaces or control characters");
  r.bearer_token.reset();
  r.target = "/a b";
  EXPECT_EQ(HttpExchange(a, r).error, "invalid request line");
}

TEST(HttpAddress, ParsesTheSupportedForms) {
  struct Case {
    const char* url;
    const char* host;
    const char* port;
    const char* unix_path;
    bool tls = false;
  } cases[] = {
      {"http://127.0.0.1:9180", "127.0.0.1", "9180", ""},
      {"http://localhost:9180/", "localhost", "9180", ""},
      {"HTTP://example.com", "example.com", "80", ""},
      {"http://[::1]:9180", "::1", "9180", ""},
      {"http://[fe80::1]", "fe80::1", "80", ""},
      {"unix:/run/phpeek-pm.sock", "", "", "/run/phpeek-pm.sock"},
      {"https://127.0.0.1:9180", "127.0.0.1", "9180", "", true},
      {"HTTPS://[::1]", "::1", "443", "", true},
  };
  for (const Case& c : cases) {
    HttpAddress a;
    std::string err;
    ASSERT_TRUE(ParseHttpAddress(c.url, &a, &err)) << c.url << ": " << err;
    EXPECT_EQ(a.host, c.host) << c.url;
    EXPECT_EQ(a.port, c.port) << c.url;
    EXPECT_EQ(a.unix_path, c.unix_path) << c.url;
    EXPECT_EQ(a.tls, c.tls) << c.url;
  }
}

TEST(HttpAddress, RefusesOthersWithTheReason) {
  struct Case {
    const char* url;
    const char* why;
  } cases[] = {
      {"ftp://127.0.0.1:9180", "unsupported scheme"},
      {"127.0.0.1:9180", "unsupported scheme"},
      {"unix:", "no socket path"},
      {"http://", "no host"},
      {"http://:9180", "no host"},
      {"http://h:0", "the port must be a number from 1 to 65535"},
      {"http://h:65536", "the port must be a number from 1 to 65535"},
      {"http://h:", "the port must be a number from 1 to 65535"},
      {"http://h:80x", "the port must be a number from 1 to 65535"},
      {"http://[::1", "malformed [IPv6] host"},
      {"http://[::1]x", "malformed [IPv6] host"},
      {"http://u:p@h:1", "user names are not supported"},
      {"http://h:1/api", "a path, query or fragment is not supported"},
      {"http://h:1?x", "a path, query or fragment is not supported"},
  };
  for (const Case& c : cases) {
    HttpAddress a;
    std::string err;
    EXPECT_FALSE(ParseHttpAddress(c.url, &a, &err)) << c.url;
    EXPECT_EQ(err, std::string("unsupported API address '") + c.url + "' (" + c.why +
                       "): use http://HOST:PORT, https://HOST:PORT or unix:/PATH");
  }
}

}  // namespace
}  // namespace phpeek::cli::client
