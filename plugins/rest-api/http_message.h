// Plain request and response values that the HTTP server and the API logic exchange, so that the
// API logic needs no socket to be tested.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace phpeek::rest {

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // the request-target as sent: path plus optional "?query"
  bool has_authorization = false;
  std::string authorization;  // the Authorization header value
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string body;  // JSON text; omitted on the wire for HEAD
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/Length
};

// The API behind the server: called on a worker thread for each complete request.
using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace phpeek::rest
