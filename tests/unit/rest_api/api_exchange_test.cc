// A connection's worth of bytes through the HTTP library's parser and exchange, the API and the
// API's response defaults, without a socket: the answers' status lines and headers, error bodies
// (spec `error` strings plus `detail`) also for the refusals the server makes itself, HEAD,
// persistence.
#include <gtest/gtest.h>

#include <stdexcept>

#include "plugins/common/http/exchange.h"
#include "plugins/rest-api/api_server.h"
#include "plugins/rest-api/handlers.h"
#include "plugins/rest-api/openapi_document.h"
#include "tests/unit/rest_api/fake_backend.h"

namespace phpeek::rest {
namespace {

class ExchangeTest : public ::testing::Test {
 protected:
  std::string Serve(const std::string& bytes, http::RequestLimits limits = {}) {
    return http::ServeBytes(
        bytes, [this](const HttpRequest& r) { return api_.Handle(r); }, limits,
        ApiResponseDefaults());
  }
  testing::FakeBackend backend_;
  Api api_{&backend_, ApiOptions{std::nullopt, 10, OpenApiDocument()}};
};

// The body after the head of the single answer in `text`.
std::string BodyOf(const std::string& text) { return text.substr(text.find("\r\n\r\n") + 4); }

TEST_F(ExchangeTest, AnswerHasTheUsualHeaders) {
  const std::string out = Serve("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\nDate: ", 0), 0u) << out;
  EXPECT_NE(out.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Length: 20\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nCache-Control: no-store\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Connection:"), std::string::npos) << "HTTP/1.1 is persistent by default";
  EXPECT_EQ(BodyOf(out), R"({"status":"healthy"})");
}

TEST_F(ExchangeTest, PipelinedRequestsAreAnsweredInOrder) {
  const std::string out = Serve(
      "POST /api/v1/processes/web/restart HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /api/v1/processes/web HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
      "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
      "GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
  const size_t restart = out.find("HTTP/1.1 202 Accepted");
  const size_t head = out.find("HTTP/1.1 200 OK", restart);
  const size_t keep10 = out.find("Connection: keep-alive\r\n", head);
  const size_t close = out.find("Connection: close\r\n", keep10);
  ASSERT_NE(restart, std::string::npos) << out;
  ASSERT_NE(head, std::string::npos) << out;
  ASSERT_NE(keep10, std::string::npos) << out;
  ASSERT_NE(close, std::string::npos) << out;
  EXPECT_EQ(out.find("/never"), std::string::npos);
  EXPECT_EQ(out.find("404"), std::string::npos) << "nothing after Connection: close";
  // HEAD: the GET answer's Content-Length, no body: the next answer follows the empty line.
  EXPECT_EQ(out.substr(out.find("\r\n\r\n", head) + 4, 8), "HTTP/1.1");
}

TEST_F(ExchangeTest, SpecErrorStringsWithDetail) {
  std::string out =
      Serve("POST /api/v1/processes/web/scale HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n{");
  EXPECT_EQ(out.rfind("HTTP/1.1 400 Bad Request", 0), 0u) << out;
  EXPECT_EQ(BodyOf(out), R"({"error":"invalid request body","detail":"invalid JSON at byte 1: )"
                         R"(unexpected end of input, expected a member name"})");
  out = Serve("POST /api/v1/processes/web/scale HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(BodyOf(out), R"({"error":"invalid request body","detail":"request body is empty: )"
                         R"(expected a JSON object such as {\"scale\": 3}"})");
  out = Serve("DELETE /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(BodyOf(out), R"({"error":"method not allowed"})");
  out = Serve("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(BodyOf(out), R"({"error":"not found"})");
  out = Serve("GET /api/v1/processes/nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(BodyOf(out), R"({"error":"process not found"})");
}

TEST_F(ExchangeTest, FramingErrorsAre400AndClose) {
  for (const std::string& bad :
       {std::string("GET /api/v1/health XTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n"),
        std::string("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n"
                    "\r\n"),
        std::string("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                    "Content-Length: 1\r\n\r\nx")}) {
    const std::string out = Serve(bad + "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(out.rfind("HTTP/1.1 400 Bad Request", 0), 0u) << bad << "\n" << out;
    EXPECT_NE(out.find("\r\nConnection: close\r\n"), std::string::npos) << out;
    EXPECT_EQ(BodyOf(out).rfind(R"({"error":"bad request","detail":")", 0), 0u) << out;
    EXPECT_EQ(out.find("XTTP/1.1 "), std::string::npos) << "the version is never echoed back";
    EXPECT_EQ(out.find("HTTP/1.1 200"), std::string::npos) << "nothing after the refusal";
  }
  EXPECT_TRUE(backend_.calls().empty()) << "no refused request ran";
}

TEST_F(ExchangeTest, IncompleteRequestsRunNothing) {
  EXPECT_EQ(Serve("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
                  "\r\nabc"),
            "");
  EXPECT_EQ(Serve("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"),
            "");
  EXPECT_TRUE(backend_.calls().empty());
  const std::string timeout =
      http::AnswerRefusal(http::TimeoutError(std::chrono::seconds(5)), ApiResponseDefaults());
  EXPECT_EQ(timeout.rfind("HTTP/1.1 408 Request Timeout", 0), 0u);
  EXPECT_NE(timeout.find(R"({"error":"request timeout","detail":"the request did not arrive whole )"
                         R"(within 5000 ms"})"),
            std::string::npos);
}

TEST_F(ExchangeTest, OversizedAndUnsupported) {
  http::RequestLimits limits;
  limits.max_body = 1024;
  std::string out =
      Serve("POST /api/v1/processes/web/scale HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n",
            limits);
  EXPECT_EQ(out.rfind("HTTP/1.1 413 Content Too Large", 0), 0u) << out;
  EXPECT_NE(out.find(R"({"error":"request body too large","detail":"the body may have at most )"
                     R"(1024 bytes, Content-Length says 2000"})"),
            std::string::npos)
      << out;
  out = Serve("GET /api/v1/health HTTP/2.0\r\nHost: x\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 505 HTTP Version Not Supported", 0), 0u) << out;
  EXPECT_NE(out.find(R"("error":"http version not supported")"), std::string::npos);
}

TEST_F(ExchangeTest, AThrowingHandlerAnswers500AndCloses) {
  const std::string out = http::ServeBytes(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
      [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); }, {},
      ApiResponseDefaults());
  EXPECT_EQ(out.rfind("HTTP/1.1 500 Internal Server Error", 0), 0u) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_EQ(BodyOf(out), R"({"error":"internal error"})");
}

}  // namespace
}  // namespace phpeek::rest
