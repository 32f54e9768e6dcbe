// One HTTP exchange with the daemon's Management API, over TCP ("http://host:port") or a Unix
// socket ("unix:/path"), through the small HTTP client in http_client.h.
#pragma once

#include <string>
#include <string_view>

#include "core/cli/client/api_endpoint.h"

namespace phpeek::cli::client {

struct ApiReply {
  bool reached = false;  // false: no HTTP answer at all (see error)
  int status = 0;
  std::string body;
  std::string error;  // transport failure, phrased for the user
};

ApiReply CallApi(const ApiEndpoint& endpoint, const std::string& method, const std::string& path,
                 const std::string& body = "");

// Percent-encodes everything but unreserved characters (RFC 3986), for a process name in a path.
std::string EncodePathSegment(std::string_view segment);

}  // namespace phpeek::cli::client
