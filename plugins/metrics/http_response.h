// The answers of the metrics listener: routing a parsed request to the scrape, the probe endpoint
// or an error, and writing the response bytes.
//
// Pure code, no I/O. HEAD is answered exactly like GET (status, Content-Type, Content-Length and
// every other header) without the body, on every path including errors.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "plugins/metrics/http_request.h"

namespace phpeek::metrics {

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the ones Serialize writes
};

using ScrapeFn = std::function<HttpResponse()>;

// GET or HEAD of `metrics_path` runs `scrape`; of /health answers {"status":"healthy"}. Other
// paths are 404, other methods 405 (with Allow). The query string is ignored.
HttpResponse Route(const RequestHead& request, const std::string& metrics_path,
                   const ScrapeFn& scrape);

// A plain-text error response (400, 408, 431, 505...).
HttpResponse ErrorResponse(int status, const std::string& reason);

enum class ConnectionHeader { kNone, kClose, kKeepAlive };

// The status line, Date, Content-Type, Content-Length, the extra headers, Connection when asked,
// then the body unless `head_only`.
std::string Serialize(const HttpResponse& response, bool head_only, ConnectionHeader connection);

}  // namespace phpeek::metrics
