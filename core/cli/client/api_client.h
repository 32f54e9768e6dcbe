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

// The reply for the user from what the HTTP client got (`result`): the transport failure phrased,
// or the status and body.
struct HttpResult;
ApiReply ReplyFrom(const ApiEndpoint& endpoint, HttpResult result);

// True when `reply` is the `expected` status; otherwise a message for the user: the daemon is
// unreachable, the token is wrong, no such process `name`, or the API's error and detail.
bool CheckReply(const ApiReply& reply, int expected, const ApiEndpoint& endpoint,
                const std::string& name, std::string* err);

// An error body's "error" and, when present, its "detail" ("invalid request body: scale 9
// exceeds max_scale 4 of process 'web'"), or the raw body.
std::string ErrorText(const std::string& body);

// Percent-encodes everything but unreserved characters (RFC 3986), for a process name in a path.
std::string EncodePathSegment(std::string_view segment);

}  // namespace phpeek::cli::client
