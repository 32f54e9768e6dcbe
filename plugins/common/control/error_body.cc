#include "plugins/common/control/error_body.h"

#include <string>
#include <utility>

#include "plugins/common/http/json_string.h"

namespace phpeek::control {

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

HttpResponse ErrorResponse(int status, std::string_view error, std::string_view detail) {
  std::string body = "{\"error\":";
  http::AppendJsonString(&body, error);
  if (!detail.empty()) {
    body += ",\"detail\":";
    http::AppendJsonString(&body, detail);
  }
  body.push_back('}');
  return JsonResponse(status, std::move(body));
}

const char* ErrorPhrase(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 401:
      return "unauthorized";
    case 404:
      return "not found";
    case 405:
      return "method not allowed";
    case 408:
      return "request timeout";
    case 409:
      return "conflict";
    case 413:
      return "request body too large";
    case 414:
      return "request target too long";
    case 417:
      return "expectation failed";
    case 431:
      return "request header fields too large";
    case 501:
      return "not implemented";
    case 503:
      return "service unavailable";
    case 504:
      return "gateway timeout";
    case 505:
      return "http version not supported";
    default:
      return "internal error";
  }
}

}  // namespace phpeek::control
