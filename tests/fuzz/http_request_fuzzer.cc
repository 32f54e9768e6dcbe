// The rest-api plugin's request path without a socket: raw request bytes -> Poco's request-head
// parser (HTTPRequest::read, what Poco's HTTPServerRequestImpl runs on the connection) -> the
// HttpRequest fields that http_adapter.cc takes from it -> Api::Handle (authentication, path
// decoding, routing, handlers, the scale body) over the tests' FakeBackend.
//
// Not covered: body framing (Content-Length, chunked, timeouts) happens inside Poco's session
// streams, which need a socket; the bytes after the head are the body as they are.
//
// Properties, with and without api_auth: Handle returns; the status is one the API documents and
// never 500 (the fake backend's snapshots are valid); the body is valid UTF-8 JSON; 401 carries
// WWW-Authenticate, 405 carries Allow; without the token only the health check answers non-401.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "Poco/Exception.h"
#include "Poco/Net/HTTPRequest.h"
#include "core/text/utf8.h"
#include "plugins/rest-api/handlers.h"
#include "plugins/rest-api/json_value.h"
#include "plugins/rest-api/openapi_document.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/unit/rest_api/fake_backend.h"

namespace {

using phpeek::rest::HttpRequest;
using phpeek::rest::HttpResponse;

constexpr char kToken[] = "fuzz-token";
constexpr size_t kMaxBody = 65536;  // the default api_max_request_body

bool HasHeader(const HttpResponse& r, const std::string& name) {
  for (const auto& header : r.headers) {
    if (header.first == name) return true;
  }
  return false;
}

bool IsUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = phpeek::text::Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void CheckResponse(const HttpRequest& in, const HttpResponse& out, bool with_token) {
  static const std::set<int> kDocumented = {200, 202, 400, 401, 404, 405, 409, 503};
  const std::string what =
      std::to_string(out.status) + " " + out.body + " for " + in.method + " " + in.target;
  FUZZ_CHECK(kDocumented.count(out.status) == 1, what);
  phpeek::rest::JsonValue json;
  std::string err;
  FUZZ_CHECK(phpeek::rest::ParseJson(out.body, &json, &err), err + ": " + what);
  FUZZ_CHECK(json.kind == phpeek::rest::JsonValue::Kind::kObject, what);
  FUZZ_CHECK(IsUtf8(out.body), what);
  if (out.status == 401) FUZZ_CHECK(HasHeader(out, "WWW-Authenticate"), what);
  if (out.status == 405) FUZZ_CHECK(HasHeader(out, "Allow"), what);
  // A header without the token's text cannot carry it, whatever the scheme's spelling.
  if (with_token && in.authorization.find(kToken) == std::string::npos && out.status != 401) {
    FUZZ_CHECK(out.body == R"({"status":"healthy"})" || out.status == 405, "no token: " + what);
  }
}

void Handle(const HttpRequest& in, std::optional<std::string> token) {
  phpeek::rest::testing::FakeBackend backend;
  const bool with_token = token.has_value();
  const phpeek::rest::Api api(&backend, {std::move(token), 10, phpeek::rest::OpenApiDocument()});
  CheckResponse(in, api.Handle(in), with_token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream wire(std::string(reinterpret_cast<const char*>(data), size));
  Poco::Net::HTTPRequest head;
  try {
    head.read(wire);
  } catch (const Poco::Exception&) {
    return 0;  // Poco answers 400 before our code runs
  }
  HttpRequest in;
  in.method = head.getMethod();
  in.target = head.getURI();
  in.has_authorization = head.has("Authorization");
  if (in.has_authorization) in.authorization = head.get("Authorization");
  std::ostringstream rest;
  rest << wire.rdbuf();
  in.body = rest.str().substr(0, kMaxBody);
  Handle(in, std::nullopt);
  Handle(in, std::string(kToken));
  return 0;
}
