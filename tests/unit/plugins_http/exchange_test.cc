// A connection's worth of bytes through parser, handler and response text, without a socket: the
// answers' status lines and headers, HEAD, persistence and pipelining, refusals in the server's
// error format, a throwing handler.
#include "plugins/common/http/exchange.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "tests/support/test_support.h"

namespace phpeek::http {
namespace {

// Answers every request with its method and target; remembers what it saw.
class Recorder {
 public:
  Handler handler() {
    return [this](const HttpRequest& r) {
      seen_.push_back(r);
      HttpResponse response;
      response.status = r.method == "POST" ? 202 : 200;
      response.content_type = "application/json";
      response.body = "{\"seen\":\"" + r.method + " " + r.target + "\"}";
      return response;
    };
  }
  const std::vector<HttpRequest>& seen() const { return seen_; }

 private:
  std::vector<HttpRequest> seen_;
};

// The body after the head of the single answer in `text`.
std::string BodyOf(const std::string& text) { return text.substr(text.find("\r\n\r\n") + 4); }

TEST(Exchange, AnswerHasTheUsualHeadersInOrder) {
  ResponseDefaults defaults;
  defaults.headers = {{"Cache-Control", "no-store"}};
  const std::string out = ServeBytes(
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
      [](const HttpRequest&) {
        HttpResponse r;
        r.content_type = "application/json";
        r.body = R"({"status":"healthy"})";
        r.headers = {{"X-Own", "1"}};
        return r;
      },
      {}, defaults);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\nDate: ", 0), 0u) << out;
  const size_t type = out.find("\r\nContent-Type: application/json\r\n");
  const size_t length = out.find("\r\nContent-Length: 20\r\n");
  const size_t common = out.find("\r\nCache-Control: no-store\r\n");
  const size_t own = out.find("\r\nX-Own: 1\r\n");
  ASSERT_NE(own, std::string::npos) << out;
  EXPECT_LT(type, length);
  EXPECT_LT(length, common);
  EXPECT_LT(common, own);
  EXPECT_EQ(out.find("Connection:"), std::string::npos) << "HTTP/1.1 is persistent by default";
  EXPECT_EQ(BodyOf(out), R"({"status":"healthy"})");
  // Without a content type there is no Content-Type header; Content-Length is always there.
  const std::string bare = ServeBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n", [](const HttpRequest&) {
    return HttpResponse{204, "", "", {}};
  });
  EXPECT_EQ(bare.find("Content-Type"), std::string::npos) << bare;
  EXPECT_NE(bare.find("\r\nContent-Length: 0\r\n"), std::string::npos) << bare;
}

TEST(Exchange, PipelinedRequestsAreAnsweredInOrder) {
  Recorder recorder;
  const std::string out = ServeBytes(
      "POST /restart HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /ten HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
      "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
      "GET /never HTTP/1.1\r\nHost: x\r\n\r\n",
      recorder.handler());
  const size_t restart = out.find("HTTP/1.1 202 Accepted");
  const size_t head = out.find("HTTP/1.1 200 OK", restart);
  const size_t keep10 = out.find("Connection: keep-alive\r\n", head);
  const size_t close = out.find("Connection: close\r\n", keep10);
  ASSERT_NE(restart, std::string::npos) << out;
  ASSERT_NE(head, std::string::npos) << out;
  ASSERT_NE(keep10, std::string::npos) << out;
  ASSERT_NE(close, std::string::npos) << out;
  EXPECT_EQ(out.find("/never"), std::string::npos) << "nothing after Connection: close";
  ASSERT_EQ(recorder.seen().size(), 4u);
  // HEAD: the GET answer's Content-Length, no body: the next answer follows the empty line.
  EXPECT_EQ(out.substr(out.find("\r\n\r\n", head) + 4, 8), "HTTP/1.1");
  const std::string get_body = R"({"seen":"GET /one"})";
  EXPECT_EQ(out.find("Content-Length: " + std::to_string(get_body.size()), head),
            out.find("Content-Length: ", head));
}

// HEAD is the server's business: the handler sees GET with `head` set, and the answer carries the
// GET answer's headers without its body.
TEST(Exchange, HeadIsAnsweredAsGetWithoutTheBody) {
  Recorder recorder;
  const std::string get = ServeBytes("GET /x HTTP/1.1\r\nHost: x\r\n\r\n", recorder.handler());
  const std::string head = ServeBytes("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n", recorder.handler());
  ASSERT_EQ(recorder.seen().size(), 2u);
  EXPECT_EQ(recorder.seen()[1].method, "GET");
  EXPECT_TRUE(recorder.seen()[1].head);
  EXPECT_FALSE(recorder.seen()[0].head);
  EXPECT_EQ(head, get.substr(0, get.find("\r\n\r\n") + 4));
}

TEST(Exchange, RefusalsUseTheErrorRendererAndClose) {
  Recorder recorder;
  std::string out = ServeBytes(
      "GET /x XTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n", recorder.handler());
  EXPECT_EQ(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("\r\nContent-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nConnection: close\r\n"), std::string::npos) << out;
  EXPECT_EQ(BodyOf(out), "malformed HTTP version 'XTTP/1.1': expected HTTP/1.1\n");
  EXPECT_EQ(out.find("XTTP/1.1 "), std::string::npos) << "the version is never echoed back";
  EXPECT_EQ(phpeek::testing::CountOf(out, "HTTP/1.1 "), 1u) << "nothing after the refusal";
  ResponseDefaults json;
  json.render_error = [](int status, std::string_view detail) {
    return HttpResponse{status, "application/json", "{\"e\":\"" + std::string(detail) + "\"}", {}};
  };
  json.headers = {{"Cache-Control", "no-store"}};
  out = ServeBytes("GET / HTTP/2.0\r\nHost: x\r\n\r\n", recorder.handler(), {}, json);
  EXPECT_EQ(out.rfind("HTTP/1.1 505 HTTP Version Not Supported\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Cache-Control: no-store"), std::string::npos) << out;
  EXPECT_EQ(BodyOf(out), R"({"e":"HTTP version HTTP/2.0 is not supported: use HTTP/1.1"})");
  EXPECT_TRUE(recorder.seen().empty()) << "no refused request ran";
}

TEST(Exchange, IncompleteRequestsRunNothing) {
  Recorder recorder;
  EXPECT_EQ(ServeBytes("POST /stop HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
                       recorder.handler()),
            "");
  EXPECT_EQ(ServeBytes("POST /stop HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "3\r\nabc\r\n",
                       recorder.handler()),
            "");
  EXPECT_TRUE(recorder.seen().empty());
  const std::string timeout = AnswerRefusal(TimeoutError(std::chrono::seconds(5)), {});
  EXPECT_EQ(timeout.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << timeout;
  EXPECT_EQ(BodyOf(timeout), "the request did not arrive whole within 5000 ms\n");
}

TEST(Exchange, AThrowingHandlerAnswers500AndCloses) {
  const std::string out =
      ServeBytes("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
                 [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  EXPECT_EQ(out.rfind("HTTP/1.1 500 Internal Server Error", 0), 0u) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_EQ(BodyOf(out), "Internal Server Error\n");
  EXPECT_EQ(out.find("boom"), std::string::npos) << "the exception's text is not told";
}

// A skipped body (BodyPolicy::kSkip) is answered, then the connection closes: its bytes are never
// taken for the next request.
TEST(Exchange, ASkippedBodyClosesTheConnectionAfterTheAnswer) {
  Recorder recorder;
  RequestLimits skip;
  skip.bodies = BodyPolicy::kSkip;
  const std::string out = ServeBytes(
      "GET /health HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nGET /HTTP/1.1\r\nHost: "
      "t\r\n\r\n",
      recorder.handler(), skip);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK", 0), 0u) << out;
  EXPECT_NE(out.find("\r\nConnection: close\r\n"), std::string::npos) << out;
  EXPECT_EQ(phpeek::testing::CountOf(out, "HTTP/1.1 "), 1u) << out;
  ASSERT_EQ(recorder.seen().size(), 1u);
  EXPECT_EQ(recorder.seen()[0].body, "");
}

TEST(Exchange, TheRequestCarriesWhenItWasComplete) {
  RequestParser parser;
  size_t used = 0;
  ASSERT_EQ(parser.Feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n", &used),
            RequestParser::Progress::kComplete);
  const auto at = std::chrono::steady_clock::time_point(std::chrono::seconds(42));
  EXPECT_EQ(TakeExchange(parser, at).request.received, at);
}

}  // namespace
}  // namespace phpeek::http
