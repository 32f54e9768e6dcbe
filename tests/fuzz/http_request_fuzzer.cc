// The rest-api plugin's request path without a socket: the bytes one connection receives, through
// the plugins' HTTP library (RequestParser, the exchange with the API's response defaults) and the
// Api over the tests' FakeBackend, as ServeBytes (plugins/common/http/exchange.h) runs them.
//
// Properties, with and without api_auth: parsing and answering return; the answer is a sequence of
// well-formed HTTP/1.1 responses whose Content-Length is their body's (none for HEAD), each body
// UTF-8 JSON with a 200, 202, 4xx or 5xx status, never 500; without the token no action is taken
// and nothing but the health is told; feeding the same bytes one at a time gives the same answer as
// feeding them at once (the server gets them in whatever pieces recv() returns).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/text/utf8.h"
#include "phpeek/json.hpp"
#include "plugins/common/http/exchange.h"
#include "plugins/rest-api/api_server.h"
#include "plugins/rest-api/handlers.h"
#include "plugins/rest-api/openapi_document.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/unit/rest_api/fake_backend.h"

namespace {

using phpeek::http::RequestParser;

// How the API's server answers (JSON errors, Cache-Control), as the plugin configures it.
const phpeek::http::ResponseDefaults& Defaults() {
  static const phpeek::http::ResponseDefaults defaults = phpeek::rest::ApiResponseDefaults();
  return defaults;
}

bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = phpeek::text::Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// ServeBytes, with the input fed in pieces of at most `piece` bytes.
std::string ServeInPieces(std::string_view input, const phpeek::http::Handler& handler,
                          size_t piece) {
  RequestParser parser;
  std::string out;
  while (true) {
    RequestParser::Progress p = RequestParser::Progress::kNeedMore;
    while (p == RequestParser::Progress::kNeedMore && !input.empty()) {
      size_t used = 0;
      p = parser.Feed(input.substr(0, piece), &used);
      input.remove_prefix(used);
      if (used == 0 && p == RequestParser::Progress::kNeedMore) break;
    }
    if (p == RequestParser::Progress::kNeedMore) return out;
    if (p == RequestParser::Progress::kError)
      return out + phpeek::http::AnswerRefusal(parser.error(), Defaults());
    bool keep_alive = false;
    out += phpeek::http::AnswerRequest(handler, phpeek::http::TakeExchange(parser), Defaults(),
                                       &keep_alive);
    if (!keep_alive) return out;
    parser.Reset();
  }
}

// The answer without its Date headers (they change with the clock).
std::string WithoutDates(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const size_t eol = text.find("\r\n");
    const std::string_view line =
        text.substr(0, eol == std::string_view::npos ? text.size() : eol + 2);
    if (line.substr(0, 6) != "Date: ") out += line;
    text.remove_prefix(line.size());
  }
  return out;
}

// `authenticated`: the input could carry the token (it contains the token's text somewhere).
void CheckResponses(std::string_view text, bool authenticated) {
  while (!text.empty()) {
    const size_t head_end = text.find("\r\n\r\n");
    FUZZ_CHECK(head_end != std::string_view::npos, std::string(text));
    const std::string_view head = text.substr(0, head_end + 2);
    FUZZ_CHECK(head.substr(0, 9) == "HTTP/1.1 ", std::string(head));
    const int status = std::stoi(std::string(head.substr(9, 3)));
    // Success, or a client or server error; never 500 (the fake backend's snapshots are valid).
    FUZZ_CHECK(status == 200 || status == 202 || (status >= 400 && status < 600 && status != 500),
               std::string(head));
    const size_t cl = head.find("\r\nContent-Length: ");
    FUZZ_CHECK(cl != std::string_view::npos, std::string(head));
    const size_t length = std::stoul(std::string(head.substr(cl + 18)));
    text.remove_prefix(head_end + 4);
    // A HEAD answer has the GET answer's Content-Length and no body: the next bytes are either
    // the next response or nothing.
    if (text.size() < length || (length > 0 && text.substr(0, 5) == "HTTP/")) continue;
    const std::string body(text.substr(0, length));
    text.remove_prefix(length);
    phpeek::json::Document json;
    std::string err;
    FUZZ_CHECK(json.Parse(body, &err), err + ": " + body);
    FUZZ_CHECK(IsUtf8(body), body);
    // Without the token a client learns nothing but the health and the readiness (the two
    // probes, unauthenticated by design) and starts nothing.
    if (!authenticated) {
      FUZZ_CHECK(status != 202 && status != 404 && status != 409, "no token: " + body);
      FUZZ_CHECK(
          status != 200 || body == R"({"status":"healthy"})" || body == R"({"status":"ready"})",
          "no token: " + body);
    }
  }
}

// The answer of a fresh Api (the fake backend's counts change with each scale request).
std::string Answer(std::string_view input, const std::optional<std::string>& token, size_t piece) {
  phpeek::rest::testing::FakeBackend backend;
  const phpeek::rest::Api api(&backend, {token, 10, phpeek::rest::OpenApiDocument()});
  const phpeek::http::Handler handler = [&api](const phpeek::http::HttpRequest& r) {
    return api.Handle(r);
  };
  if (piece == 0) return phpeek::http::ServeBytes(input, handler, {}, Defaults());
  return ServeInPieces(input, handler, piece);
}

void Serve(std::string_view input, const std::optional<std::string>& token) {
  const std::string whole = Answer(input, token, 0);
  CheckResponses(whole, !token || input.find(*token) != std::string_view::npos);
  const std::string bytewise = Answer(input, token, 1);
  FUZZ_CHECK(WithoutDates(bytewise) == WithoutDates(whole),
             "whole:\n" + whole + "\nbyte by byte:\n" + bytewise);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Serve(input, std::nullopt);
  Serve(input, std::string("fuzz-token"));
  return 0;
}
