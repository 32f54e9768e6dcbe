#include "plugins/metrics/routes.h"

#include "plugins/common/http/response_text.h"

namespace phpeek::metrics {
namespace {

constexpr const char* kHealthPath = "/health";

}  // namespace

HttpResponse ErrorResponse(int status, const std::string& reason) {
  return http::TextResponse(status, reason + "\n");
}

HttpResponse Route(const HttpRequest& request, const std::string& metrics_path,
                   const ScrapeFn& scrape) {
  const std::string_view path = http::TargetPath(request.target);
  if (path != metrics_path && path != kHealthPath) {
    return ErrorResponse(404, "not found; metrics are at " + metrics_path);
  }
  if (request.method != "GET") {
    HttpResponse r = ErrorResponse(405, "only GET and HEAD are allowed");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (path == kHealthPath) {
    HttpResponse r;
    r.content_type = "application/json";
    r.body = "{\"status\":\"healthy\"}\n";
    return r;
  }
  return scrape();
}

}  // namespace phpeek::metrics
