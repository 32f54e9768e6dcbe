// The bytes of an HTTP/1.1 response: status line, Date, Content-Type, Content-Length, the
// server's common headers, the response's own headers, Connection when the connection closes (or
// an HTTP/1.0 client keeps it), then the body, all in one buffer so that it leaves in one send().
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "plugins/common/http/message.h"

namespace phpeek::http {

enum class Persistence {
  kClose,        // "Connection: close": the server closes after this response
  kKeepAlive,    // HTTP/1.1: persistent without saying so
  kKeepAlive10,  // HTTP/1.0 client that asked for keep-alive: "Connection: keep-alive"
};

// The answer the server makes itself (a refused or timed-out request, 503 when every connection
// is busy, 500 when a handler threw), in the plugin's own format; `detail` says what was wrong
// and may be empty.
using ErrorRenderer = std::function<HttpResponse(int status, std::string_view detail)>;

// What every answer of one server shares.
struct ResponseDefaults {
  HeaderList headers;  // added to every response, before its own (e.g. Cache-Control)
  ErrorRenderer render_error = PlainTextError;

  // text/plain: the detail, or the reason phrase when there is none, and a newline.
  static HttpResponse PlainTextError(int status, std::string_view detail);
};

// A text/plain; charset=utf-8 response.
HttpResponse TextResponse(int status, std::string text);

// `head`: the answer to a HEAD request, with the headers of the GET answer but no body. A
// streaming answer (response.stream set) gets its head only, without Content-Length.
std::string ResponseText(const HttpResponse& response, bool head, Persistence persistence,
                         const HeaderList& common_headers = {});

// "HTTP/1.1 100 Continue\r\n\r\n"
std::string_view ContinueText();

// The standard reason phrase of `status` ("Not Found"), or "Unknown".
const char* ReasonPhrase(int status);

}  // namespace phpeek::http
