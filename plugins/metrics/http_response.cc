#include "plugins/metrics/http_response.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

namespace phpeek::metrics {
namespace {

constexpr const char* kTextPlain = "text/plain; charset=utf-8";
constexpr const char* kHealthPath = "/health";

}  // namespace

HttpResponse ErrorResponse(int status, const std::string& reason) {
  return HttpResponse{status, kTextPlain, reason + "\n", {}};
}

HttpResponse Route(const RequestHead& request, const std::string& metrics_path,
                   const ScrapeFn& scrape) {
  std::string path;
  try {
    path = Poco::URI(request.target).getPath();  // origin-form and absolute-form alike
  } catch (const Poco::Exception&) {
    return ErrorResponse(400, "malformed request target");
  }
  if (path != metrics_path && path != kHealthPath) {
    return ErrorResponse(404, "not found; metrics are at " + metrics_path);
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = ErrorResponse(405, "only GET and HEAD are allowed");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (path == kHealthPath)
    return HttpResponse{200, "application/json", "{\"status\":\"healthy\"}\n", {}};
  return scrape();
}

std::string Serialize(const HttpResponse& response, bool head_only, ConnectionHeader connection) {
  const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status);
  std::string out;
  out.reserve(256 + (head_only ? 0 : response.body.size()));
  out.append("HTTP/1.1 ").append(std::to_string(response.status)).push_back(' ');
  out.append(Poco::Net::HTTPResponse::getReasonForStatus(status)).append("\r\n");
  out.append("Date: ")
      .append(Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT))
      .append("\r\n");
  out.append("Content-Type: ").append(response.content_type).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
  for (const auto& [name, value] : response.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (connection == ConnectionHeader::kClose) out.append("Connection: close\r\n");
  if (connection == ConnectionHeader::kKeepAlive) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
  if (!head_only) out.append(response.body);
  return out;
}

}  // namespace phpeek::metrics
