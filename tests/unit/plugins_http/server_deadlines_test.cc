// The deadlines of a connection, on real loopback sockets with short limits: one deadline for a
// whole request however slowly it trickles in (408), idle and silent connections closed, a client
// that reads too slowly closed, incomplete requests running nothing, and exact framing answered at
// once. (The deadline cases of rest-api's server_test and metrics' http_server_test.)
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "tests/support/raw_http.h"
#include "tests/unit/plugins_http/test_server.h"

namespace phpeek::http::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

ServerOptions WithTimeouts(std::chrono::milliseconds idle, std::chrono::milliseconds request,
                           std::chrono::milliseconds write = 5s) {
  ServerOptions options;
  options.timeouts.idle = idle;
  options.timeouts.request = request;
  options.timeouts.write = write;
  return options;
}

// One deadline for the whole request: a client that sends a byte now and then is cut off when it
// passes, with 408 and the connection closed, however often it sends; nothing runs.
TEST(ServerDeadlines, ASlowSenderGets408AtOneDeadlineForTheWholeRequest) {
  struct Case {
    std::chrono::milliseconds deadline, pace;
    std::string opening, trickle;
  };
  for (const Case& k :
       {Case{500ms, 100ms, "", "POST /stop HTTP/1.1\r\nHost: x\r\n\r\n"},  // a fifth of it
        Case{300ms, 20ms, "GET /metrics HTTP/1.1\r\n", std::string(200, 'X')}}) {
    TestServer s(WithTimeouts(5s, k.deadline));
    RawConnection c(s.port());
    const auto start = Clock::now();
    ASSERT_TRUE(c.Send(k.opening));
    std::optional<RawResponse> answer;
    // Never the last byte: the request is never complete.
    for (size_t i = 0; i + 1 < k.trickle.size() && !answer; ++i) {
      c.Send(k.trickle.substr(i, 1));
      answer = c.Read(k.pace);
    }
    const auto elapsed = Clock::now() - start;
    ASSERT_TRUE(answer.has_value()) << k.deadline.count();
    EXPECT_EQ(answer->status_line, "HTTP/1.1 408 Request Timeout");
    EXPECT_EQ(answer->body, "the request did not arrive whole within " +
                                std::to_string(k.deadline.count()) + " ms\n");
    EXPECT_EQ(answer->Header("Connection"), "close");
    EXPECT_GE(elapsed, k.deadline - 50ms);
    EXPECT_LT(elapsed, k.deadline + 1500ms);
    EXPECT_TRUE(c.WaitClosed(2s));
    EXPECT_TRUE(s.requests().empty()) << "the partial request ran nothing";
  }
}

TEST(ServerDeadlines, IncompleteBodiesRunNothingAndGet408) {
  TestServer s(WithTimeouts(5s, 300ms));
  for (const std::string& partial :
       {std::string("POST /stop HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"),
        std::string("POST /scale HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "C\r\n{\"scale\": 1}\r\n")}) {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send(partial));
    const auto got = c.Read(5s);
    ASSERT_TRUE(got.has_value()) << partial;
    EXPECT_EQ(got->status, 408);
    EXPECT_TRUE(c.WaitClosed(2s));
  }
  // A client that gives up in the middle of a body gets nothing and runs nothing.
  {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send("POST /stop HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  }
  const auto ok = RawRequest(s.port(), "POST /restart HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 202);
  const auto requests = s.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/restart");
}

// A client that shuts its side in the middle of a request (it has said all it will) is told why
// nothing ran: 400, then the connection closes.
TEST(ServerDeadlines, AClientThatEndsInTheMiddleOfARequestGets400) {
  TestServer s;
  for (const std::string& partial :
       {std::string("POST /stop HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"),
        std::string("GET /metrics HTTP/1.1\r\nHost: x\r\n")}) {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send(partial));
    ::shutdown(c.fd(), SHUT_WR);
    const auto got = c.Read(5s);
    ASSERT_TRUE(got.has_value()) << partial;
    EXPECT_EQ(got->status, 400);
    EXPECT_EQ(got->body, "the connection ended before the request was complete\n");
    EXPECT_TRUE(c.WaitClosed(2s));
  }
  EXPECT_TRUE(s.requests().empty());
}

// A connection that never sends, and one idle after an answer, are closed silently at the idle
// deadline.
TEST(ServerDeadlines, IdleAndSilentConnectionsAreClosed) {
  TestServer s(WithTimeouts(200ms, 200ms));
  RawConnection silent(s.port());
  RawConnection kept(s.port());
  ASSERT_TRUE(kept.Send(GetRequest("/health")));
  ASSERT_TRUE(kept.Read(2s).has_value());
  const auto start = Clock::now();
  EXPECT_TRUE(kept.WaitClosed(3s));
  EXPECT_TRUE(silent.WaitClosed(3s));
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_TRUE(kept.unread().empty()) << "closed without an answer";
  EXPECT_TRUE(silent.unread().empty()) << "nothing was asked, nothing is answered";
}

// RFC 9112 section 6.3: no Content-Length and no Transfer-Encoding is an empty body, at once (Poco
// waited for the request deadline).
TEST(ServerDeadlines, PostWithoutContentLengthIsAnsweredAtOnce) {
  TestServer s;  // request deadline 5 s
  RawConnection c(s.port());
  const auto start = Clock::now();
  ASSERT_TRUE(c.Send("POST /restart HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto got = c.Read(5s);
  EXPECT_LT(Clock::now() - start, 1s);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status_line, "HTTP/1.1 202 Accepted");
  EXPECT_EQ(got->body, "POST /restart ");
}

TEST(ServerDeadlines, ExpectContinueGetsA100BeforeTheBody) {
  TestServer s;
  RawConnection c(s.port());
  ASSERT_TRUE(
      c.Send("POST /scale HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 12\r\n"
             "\r\n"));
  const auto go_on = c.Read(5s);
  ASSERT_TRUE(go_on.has_value());
  EXPECT_EQ(go_on->status_line, "HTTP/1.1 100 Continue");
  EXPECT_TRUE(go_on->headers.empty());
  ASSERT_TRUE(c.Send(R"({"scale": 1})"));
  const auto got = c.Read(5s);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, 202);
  EXPECT_EQ(got->body, R"(POST /scale {"scale": 1})");
}

TEST(ServerDeadlines, FramingErrorsGet400AndTheConnectionCloses) {
  TestServer s;
  for (const std::string& bad :
       {std::string("GET /health XTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n")}) {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send(bad + GetRequest("/health")));
    const auto got = c.Read(5s);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->status_line, "HTTP/1.1 400 Bad Request");
    EXPECT_TRUE(c.WaitClosed(2s));
    EXPECT_EQ(c.unread().find("200 OK"), std::string::npos) << c.unread();
  }
  EXPECT_TRUE(s.requests().empty());
}

// A client that takes its answer too slowly is closed at the write deadline; others are served
// meanwhile.
TEST(ServerDeadlines, AClientThatReadsTooSlowlyIsClosedAtTheWriteDeadline) {
  TestServer s(WithTimeouts(5s, 5s, 300ms));
  constexpr size_t kBig = 32 << 20;  // far more than loopback socket buffers hold
  RawConnection slow(s.port());
  ASSERT_TRUE(slow.Send(GetRequest("/big/" + std::to_string(kBig))));
  const auto other = RawRequest(s.port(), GetRequest("/health"), 5s);
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

}  // namespace
}  // namespace phpeek::http::testing
