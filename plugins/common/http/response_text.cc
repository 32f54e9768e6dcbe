#include "plugins/common/http/response_text.h"

#include <time.h>

#include <utility>

namespace phpeek::http {
namespace {

// "Date: Sun, 06 Dec 2026 05:54:28 GMT" (RFC 9110 section 5.6.7), formatted once a second per
// thread.
const std::string& DateHeader() {
  thread_local time_t formatted_at = -1;
  thread_local std::string header;
  const time_t now = ::time(nullptr);
  if (now != formatted_at) {
    struct tm tm {};
    ::gmtime_r(&now, &tm);
    char buffer[64];
    const size_t n = ::strftime(buffer, sizeof(buffer), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    header.assign(buffer, n);
    formatted_at = now;
  }
  return header;
}

void AppendHeaders(const HeaderList& headers, std::string* text) {
  for (const auto& [name, value] : headers) {
    *text += name;
    *text += ": ";
    *text += value;
    *text += "\r\n";
  }
}

}  // namespace

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 417:
      return "Expectation Failed";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

HttpResponse TextResponse(int status, std::string text) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text);
  return r;
}

HttpResponse ResponseDefaults::PlainTextError(int status, std::string_view detail) {
  return TextResponse(status, (detail.empty() ? ReasonPhrase(status) : std::string(detail)) + "\n");
}

std::string ResponseText(const HttpResponse& response, bool head, Persistence persistence,
                         const HeaderList& common_headers) {
  std::string text;
  text.reserve(192 + (head ? 0 : response.body.size()));
  text += "HTTP/1.1 ";
  text += std::to_string(response.status);
  text += ' ';
  text += ReasonPhrase(response.status);
  text += "\r\n";
  text += DateHeader();
  if (!response.content_type.empty()) {
    text += "Content-Type: ";
    text += response.content_type;
    text += "\r\n";
  }
  if (!response.stream) {
    text += "Content-Length: ";
    text += std::to_string(response.body.size());
    text += "\r\n";
  }
  AppendHeaders(common_headers, &text);
  AppendHeaders(response.headers, &text);
  if (persistence == Persistence::kClose) text += "Connection: close\r\n";
  if (persistence == Persistence::kKeepAlive10) text += "Connection: keep-alive\r\n";
  text += "\r\n";
  if (!head && !response.stream) text += response.body;
  return text;
}

std::string_view ContinueText() { return "HTTP/1.1 100 Continue\r\n\r\n"; }

}  // namespace phpeek::http
