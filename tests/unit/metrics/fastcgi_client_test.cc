// The FastCGI client on real sockets: canned servers on 127.0.0.1 (port 0) and on a unix socket,
// servers that never answer, refused connections, garbage and oversized answers, and one deadline
// for a whole batch however many pools hang.
#include "plugins/metrics/fastcgi_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "plugins/metrics/fastcgi_protocol.h"
#include "tests/support/canned_server.h"
#include "tests/support/test_support.h"
#include "tests/unit/metrics/fastcgi_test_server.h"

namespace phpeek::metrics::fastcgi {
namespace {

using phpeek::testing::CannedServer;
using phpeek::testing::TempDir;
using phpeek::testing::UnansweringPort;
using std::chrono::milliseconds;
using testing::FcgiAnswer;
using testing::kFcgiRequestEnd;
using testing::UnixOneShot;

const std::string kClientCgi = "Content-type: application/json\r\n\r\n{\"pool\":\"www\"}";

std::string Tcp(const CannedServer& s) { return "127.0.0.1:" + std::to_string(s.port()); }

Result FetchOne(const std::string& address, FetchLimits limits = {}) {
  return FetchAll({Request{address, "/status", "json"}}, limits).at(0);
}

TEST(FastcgiClient, ParsesEndpoints) {
  Endpoint e;
  std::string err;
  ASSERT_TRUE(ParseEndpoint("127.0.0.1:9000", &e, &err)) << err;
  EXPECT_EQ(e.addr.ss_family, AF_INET);
  ASSERT_TRUE(ParseEndpoint("[::1]:9000", &e, &err)) << err;
  EXPECT_EQ(e.addr.ss_family, AF_INET6);
  ASSERT_TRUE(ParseEndpoint("unix:/run/php/php-fpm.sock", &e, &err)) << err;
  EXPECT_EQ(e.addr.ss_family, AF_UNIX);
  for (const char* bad :
       {"", "127.0.0.1", "localhost:9000", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:90x",
        "::1:9000", "unix:", "unix:relative.sock", "[::1]9000"}) {
    EXPECT_FALSE(ParseEndpoint(bad, &e, &err)) << bad;
  }
  EXPECT_FALSE(ParseEndpoint("unix:/" + std::string(200, 'x'), &e, &err));
}

TEST(FastcgiClient, AsksOverTcpAndReadsTheAnswer) {
  CannedServer server(CannedServer::Mode::kAnswer, FcgiAnswer(kClientCgi), kFcgiRequestEnd);
  const Result r = FetchOne(Tcp(server));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.output, kClientCgi);
  const std::string request = server.last_request();
  EXPECT_NE(request.find("SCRIPT_NAME"), std::string::npos);
  EXPECT_NE(request.find("/status?json"), std::string::npos);
  EXPECT_EQ(request.substr(request.size() - kFcgiRequestEnd.size()), kFcgiRequestEnd);
}

TEST(FastcgiClient, AsksOverAUnixSocket) {
  TempDir dir;
  const std::string path = dir.Join("fpm.sock");
  UnixOneShot server(path, FcgiAnswer(kClientCgi));
  const Result r = FetchOne("unix:" + path);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.output, kClientCgi);
  EXPECT_NE(server.request().find("QUERY_STRING"), std::string::npos);
}

TEST(FastcgiClient, RefusedAndMissingSocketsFailAtOnce) {
  const auto started = std::chrono::steady_clock::now();
  const int closed_port = phpeek::testing::FreePort();  // bound and released: nothing listens
  const std::vector<Result> r =
      FetchAll({Request{"127.0.0.1:" + std::to_string(closed_port), "/status", "json"},
                Request{"unix:/nonexistent/dir/fpm.sock", "/status", "json"},
                Request{"not an address", "/status", "json"}},
               FetchLimits{});
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(900));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_FALSE(r[0].ok);
  EXPECT_EQ(r[0].error, "cannot connect: Connection refused");
  EXPECT_EQ(r[1].error, "cannot connect: No such file or directory");
  EXPECT_EQ(r[2].error, "'not an address' is not a numeric host:port or unix:/path");
}

TEST(FastcgiClient, GarbageTruncatedAndOversizedAnswersFail) {
  CannedServer http(CannedServer::Mode::kAnswer, "HTTP/1.1 400 Bad Request\r\n\r\n",
                    kFcgiRequestEnd);
  EXPECT_EQ(FetchOne(Tcp(http)).error, "not a FastCGI answer (record version 72)");

  const std::string whole = FcgiAnswer(kClientCgi);
  CannedServer cut(CannedServer::Mode::kAnswer, whole.substr(0, whole.size() - 4), kFcgiRequestEnd);
  const Result truncated = FetchOne(Tcp(cut));
  EXPECT_FALSE(truncated.ok);
  EXPECT_EQ(truncated.error, "the connection closed inside a record (12 bytes of it)");

  CannedServer big(CannedServer::Mode::kAnswer, FcgiAnswer(std::string(2000, 'x')),
                   kFcgiRequestEnd);
  FetchLimits small;
  small.max_answer = 1000;
  const Result oversized = FetchOne(Tcp(big), small);
  EXPECT_FALSE(oversized.ok);
  EXPECT_EQ(oversized.error, "the answer is larger than 1000 bytes");
  EXPECT_EQ(oversized.output, "");

  CannedServer closing(CannedServer::Mode::kCloseAtOnce);
  EXPECT_FALSE(FetchOne(Tcp(closing)).ok);
}

// Five pools that hang (accepted and silent, or a connect that never completes) cost one timeout
// together, not five, and do not hold back the pool that answers.
TEST(FastcgiClient, HungPoolsShareOneDeadline) {
  std::vector<std::unique_ptr<CannedServer>> silent;
  std::vector<Request> requests;
  for (int i = 0; i < 4; ++i) {
    silent.push_back(
        std::make_unique<CannedServer>(CannedServer::Mode::kSilent, "", kFcgiRequestEnd));
    requests.push_back(Request{Tcp(*silent.back()), "/status", "json"});
  }
  UnansweringPort unanswering;
  requests.push_back(Request{"127.0.0.1:" + std::to_string(unanswering.port()), "/status", "json"});
  CannedServer good(CannedServer::Mode::kAnswer, FcgiAnswer(kClientCgi), kFcgiRequestEnd);
  requests.push_back(Request{Tcp(good), "/status", "json"});

  FetchLimits limits;
  limits.timeout = milliseconds(400);
  const auto started = std::chrono::steady_clock::now();
  const std::vector<Result> r = FetchAll(requests, limits);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, milliseconds(400));
  EXPECT_LT(took, milliseconds(1400)) << "each hung pool waited on its own";
  ASSERT_EQ(r.size(), 6u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_FALSE(r[i].ok) << i;
    EXPECT_EQ(r[i].error, "no answer within 400 ms") << i;
  }
  EXPECT_TRUE(r[5].ok) << r[5].error;
}

TEST(FastcgiClient, AtMostMaxOpenConnectionsAtOnceAndEveryRequestAnswered) {
  std::vector<std::unique_ptr<CannedServer>> servers;
  std::vector<Request> requests;
  for (int i = 0; i < 5; ++i) {
    servers.push_back(std::make_unique<CannedServer>(CannedServer::Mode::kAnswer,
                                                     FcgiAnswer(kClientCgi), kFcgiRequestEnd));
    requests.push_back(Request{Tcp(*servers.back()), "/status", "json"});
  }
  FetchLimits limits;
  limits.max_open = 2;
  const std::vector<Result> r = FetchAll(requests, limits);
  ASSERT_EQ(r.size(), 5u);
  for (const Result& one : r) EXPECT_TRUE(one.ok) << one.error;
  EXPECT_TRUE(FetchAll({}, limits).empty());

  // Two silent pools hold both slots until the deadline: the third is never connected to.
  std::vector<std::unique_ptr<CannedServer>> silent;
  requests.clear();
  for (int i = 0; i < 3; ++i) {
    silent.push_back(
        std::make_unique<CannedServer>(CannedServer::Mode::kSilent, "", kFcgiRequestEnd));
    requests.push_back(Request{Tcp(*silent.back()), "/status", "json"});
  }
  limits.timeout = milliseconds(300);
  for (const Result& one : FetchAll(requests, limits)) {
    EXPECT_EQ(one.error, "no answer within 300 ms");
  }
  EXPECT_TRUE(phpeek::testing::WaitUntil([&] { return silent[1]->accepted() == 1; }));
  EXPECT_EQ(silent[0]->accepted(), 1);
  EXPECT_EQ(silent[2]->accepted(), 0);
}

}  // namespace
}  // namespace phpeek::metrics::fastcgi
