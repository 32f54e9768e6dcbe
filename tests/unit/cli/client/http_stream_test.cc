// The client's streaming exchange (HttpStream) against real sockets: the head within the deadline,
// then the body as it comes and its end; an error answer read whole; the request's extra fields.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/cli/client/http_client.h"
#include "tests/unit/cli/client/canned_server.h"

namespace phpeek::cli::client {
namespace {

using namespace std::chrono_literals;
using testing::CannedAnswer;
using testing::CannedServer;
using testing::TcpAddress;

HttpRequest StreamRequest() {
  HttpRequest r;
  r.target = "/api/v1/events";
  r.accept = "text/event-stream";
  r.headers.emplace_back("Last-Event-ID", "41");
  return r;
}

TEST(HttpStream, TheHeadThenTheBodyAsItComesThenTheEnd) {
  CannedAnswer answer;
  answer.pieces = {
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
      "id: 42\n",
      "data: a\n\n", ": heartbeat\n\n"};
  answer.pause = 50ms;
  CannedServer server(answer);
  HttpStream stream;
  HttpResult result;
  ASSERT_TRUE(stream.Open(TcpAddress(server), StreamRequest(), {}, &result)) << result.error;
  EXPECT_TRUE(stream.is_stream());
  EXPECT_EQ(result.response.status, 200);
  std::string body, why;
  for (int i = 0; i < 100; ++i) {
    const auto status = stream.Read(2s, &body, &why);
    if (status == HttpStream::ReadStatus::kEnd) break;
    ASSERT_NE(status, HttpStream::ReadStatus::kFailed) << why;
  }
  EXPECT_EQ(body, "id: 42\ndata: a\n\n: heartbeat\n\n");
  const std::string request = server.Request();
  EXPECT_NE(request.find("Accept: text/event-stream\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("Last-Event-ID: 41\r\n"), std::string::npos) << request;
}

TEST(HttpStream, AnErrorAnswerIsReadWhole) {
  CannedAnswer answer;
  answer.pieces = {
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Content-Length: 28\r\n\r\n{\"error\":\"too many streams\"}"};
  CannedServer server(answer);
  HttpStream stream;
  HttpResult result;
  ASSERT_TRUE(stream.Open(TcpAddress(server), StreamRequest(), {}, &result)) << result.error;
  EXPECT_FALSE(stream.is_stream());
  EXPECT_EQ(result.response.status, 503);
  EXPECT_EQ(result.response.body, "{\"error\":\"too many streams\"}");
}

TEST(HttpStream, NoHeadWithinTheDeadlineFails) {
  CannedAnswer answer;
  answer.hold_open = true;
  CannedServer server(answer);
  HttpStream stream;
  HttpResult result;
  HttpOptions options;
  options.timeout = 200ms;
  EXPECT_FALSE(stream.Open(TcpAddress(server), StreamRequest(), options, &result));
  EXPECT_NE(result.error.find("timed out"), std::string::npos) << result.error;
}

TEST(HttpStream, RefusesHeaderInjection) {
  HttpRequest r = StreamRequest();
  r.headers.emplace_back("Last-Event-ID", "1\r\nX-Evil: 1");
  HttpStream stream;
  HttpResult result;
  HttpAddress a;
  a.host = "127.0.0.1";
  a.port = "1";
  EXPECT_FALSE(stream.Open(a, r, {}, &result));
  EXPECT_FALSE(result.connected);
  EXPECT_NE(result.error.find("header field"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace phpeek::cli::client
