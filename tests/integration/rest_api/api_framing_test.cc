// How the real daemon's API reads requests, over raw sockets: one deadline for a whole request
// (slow senders are cut off and never lock others out), an empty body when a POST has neither
// Content-Length nor Transfer-Encoding, nothing run for an incomplete request, and 400 plus a
// closed connection for ambiguous framing (issue 10: defects 0, 1 and 10).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "tests/integration/rest_api/api_daemon.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::WaitUntil;
using phpeek::testing::http::RawConnection;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Connections waiting in the accept queue of the IPv4 listener on `port`: for a socket in LISTEN
// state, the rx_queue of /proc/net/tcp. -1 when no such listener is found.
int AcceptBacklog(int port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    unsigned local_port = 0, tx = 0, rx = 0;
    if (std::sscanf(local.c_str(), "%*x:%x", &local_port) != 1 || state != "0A") continue;
    if (static_cast<int>(local_port) != port) continue;
    if (std::sscanf(queues.c_str(), "%x:%x", &tx, &rx) != 2) return -1;
    return static_cast<int>(rx);
  }
  return -1;
}

const char kOneWeb[] = "  web:\n    command: [\"sleep\", \"600\"]\n";

// The daemon's request_timeout: a request must arrive whole within it from its first byte.
constexpr auto kRequestTimeout = 5s;

std::vector<int> WebPids(const ApiDaemon& d) { return RunningPids(d.Process("web")); }

// Before: the 5 s timeout was per read, so a byte every second kept the request open forever.
TEST(RestApiFraming, SlowSenderIsCutOffAtTheDeadline) {
  ApiDaemon d("", kOneWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  RawConnection c(d.port());
  const std::string request = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto start = Clock::now();
  std::string got;
  // One byte a second, for up to 9 s: the deadline must cut in at 5 s.
  for (size_t i = 0; i < 9 && !c.closed_by_server(); ++i) {
    c.Send(request.substr(i, 1));
    got += c.ReadUntil("never", 1s);
  }
  got += c.ReadUntilClosed(2s);
  const auto elapsed = Clock::now() - start;
  ASSERT_TRUE(c.closed_by_server()) << "still open after 11 s of a byte a second: " << got;
  EXPECT_GE(elapsed, kRequestTimeout - 500ms);
  EXPECT_LE(elapsed, kRequestTimeout + 2s);
  EXPECT_EQ(got.rfind("HTTP/1.1 408 Request Timeout", 0), 0u) << got;
  EXPECT_NE(got.find(R"({"error":"request timeout","detail":)"), std::string::npos) << got;
}

// Before: 128 slow senders took every thread and a fresh client got 503 for as long as they
// kept sending.
TEST(RestApiFraming, ManySlowSendersDoNotLockOutAFreshClient) {
  ApiDaemon d("", kOneWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 140; ++i) {  // more than max_connections (128)
    slow.push_back(std::make_unique<RawConnection>(d.port()));
    ASSERT_TRUE(slow.back()->Send("GET /api/v1/health HTTP/1.1\r\nHo")) << i;
  }
  // Every slow sender taken off the accept queue first: a fresh client's SYN that finds the queue
  // full is retried by the kernel only after 1 s, which would time the backlog, not the server.
  ASSERT_TRUE(WaitUntil([&] { return AcceptBacklog(d.port()) == 0; }, 10s))
      << "accept queue: " << AcceptBacklog(d.port());
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    const Reply r = d.Call("GET", "/api/v1/health");
    EXPECT_EQ(r.status, 200) << i << ": " << r.body;
    EXPECT_LT(Clock::now() - start, 1s) << i << ": served at once, not after the slow ones";
  }
  // The newest slow sender still has its slot and can finish its request.
  ASSERT_TRUE(slow.back()->Send("st: x\r\n\r\n"));
  EXPECT_NE(slow.back()->ReadUntil("healthy", 5s).find("HTTP/1.1 200"), std::string::npos);
}

// RFC 9112 section 6.3: no Content-Length and no Transfer-Encoding is an empty body. Before: the
// answer came after the 5 s timeout.
TEST(RestApiFraming, PostWithoutContentLengthIsAnsweredAtOnce) {
  ApiDaemon d("", kOneWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  RawConnection c(d.port());
  const auto start = Clock::now();
  ASSERT_TRUE(c.Send("POST /api/v1/processes/web/restart HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string got = c.ReadUntil("}", 10s);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(got.rfind("HTTP/1.1 202 Accepted", 0), 0u) << got;
  EXPECT_NE(got.find(R"({"message":"restart initiated","process":"web"})"), std::string::npos);
}

// Before: the action ran after 5 s with whatever part of the body had arrived.
TEST(RestApiFraming, IncompleteRequestsRunNothing) {
  ApiDaemon d("", kOneWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return WebPids(d).size() == 1; }));
  const std::vector<int> pids = WebPids(d);
  for (const std::string& partial :
       {std::string("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\nContent-Length: 10"
                    "\r\n\r\nabc"),
        std::string("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")}) {
    RawConnection c(d.port());
    ASSERT_TRUE(c.Send(partial));
    const auto start = Clock::now();
    const std::string got = c.ReadUntilClosed(kRequestTimeout + 5s);
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_LE(Clock::now() - start, kRequestTimeout + 2s);
    EXPECT_EQ(got.rfind("HTTP/1.1 408 Request Timeout", 0), 0u) << got;
  }
  // A client that closes in the middle of the body: no answer, nothing run.
  {
    RawConnection c(d.port());
    ASSERT_TRUE(
        c.Send("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\n"
               "Content-Length: 10\r\n\r\nabc"));
  }
  EXPECT_EQ(d.Call("GET", "/api/v1/health").status, 200);
  const auto web = d.Process("web");
  EXPECT_EQ(web->getValue<std::string>("state"), "running");
  EXPECT_EQ(WebPids(d), pids) << "no stop was run";
}

// Ambiguous framing gets 400 and the connection closed; never a bare 500, also on /health.
TEST(RestApiFraming, AmbiguousFramingIs400AndCloses) {
  ApiDaemon d("", kOneWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return WebPids(d).size() == 1; }));
  const std::vector<int> pids = WebPids(d);
  const std::string host = "Host: x\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"GET /api/v1/health HTTP/1.1\r\n" + host + "Content-Length: abc\r\n" +
           "Transfer-Encoding: chunked\r\n\r\n",
       "invalid Content-Length"},
      {"GET /api/v1/health HTTP/1.1\r\n" + host + "Content-Length: 3\r\n" +
           "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
       "both Content-Length and Transfer-Encoding"},
      {"POST /api/v1/processes/web/stop HTTP/1.1\r\n" + host + "Content-Length: -5\r\n\r\n",
       "invalid Content-Length '-5'"},
      {"POST /api/v1/processes/web/stop HTTP/1.1\r\n" + host +
           "Content-Length: 0\r\nContent-Length: 3\r\n\r\nabc",
       "conflicting Content-Length values 0 and 3"},
      {"GET /api/v1/health XTTP/1.1\r\n" + host + "\r\n", "malformed HTTP version"},
  };
  for (const auto& [bytes, detail] : cases) {
    RawConnection c(d.port());
    ASSERT_TRUE(c.Send(bytes + "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string got = c.ReadUntilClosed(10s);
    EXPECT_TRUE(c.closed_by_server()) << bytes;
    EXPECT_EQ(got.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << bytes << "\n" << got;
    EXPECT_NE(got.find("\r\nConnection: close\r\n"), std::string::npos) << got;
    EXPECT_NE(got.find(R"({"error":"bad request","detail":")"), std::string::npos) << got;
    EXPECT_NE(got.find(detail), std::string::npos) << got;
    EXPECT_EQ(got.find("200 OK"), std::string::npos) << "nothing after the refusal: " << got;
    EXPECT_EQ(got.find("XTTP/1.1 "), std::string::npos) << "the version is not echoed: " << got;
  }
  EXPECT_EQ(WebPids(d), pids) << "no refused request ran";
}

}  // namespace
}  // namespace phpeek::rest::itest
