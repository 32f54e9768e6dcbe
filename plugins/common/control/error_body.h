// Error answers of the API. The `error` member is a fixed phrase that clients can match: the
// spec's own where management-api.md has one ("unauthorized", "invalid request body", "method not
// allowed"), otherwise the status's reason phrase in the same lower-case style ("not found",
// "request timeout", ...). What exactly was wrong goes into an optional `detail` member:
//   {"error":"invalid request body","detail":"invalid JSON at byte 10: trailing comma before '}'"}
#pragma once

#include <string>
#include <string_view>

#include "plugins/common/http/message.h"

namespace phpeek::control {

using http::HttpRequest;
using http::HttpResponse;

// A JSON answer with `status` and `body`.
HttpResponse JsonResponse(int status, std::string body);

// {"error": error} or {"error": error, "detail": detail} with `status`.
HttpResponse ErrorResponse(int status, std::string_view error, std::string_view detail = {});

// The fixed `error` phrase for a status that has no more specific one ("bad request" for 400,
// "request timeout" for 408, ...).
const char* ErrorPhrase(int status);

}  // namespace phpeek::control
