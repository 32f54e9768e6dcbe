// The bytes of an HTTP/1.1 response: status line, Date, Content-Type (JSON), Content-Length,
// Cache-Control, the response's own headers, Connection when the connection closes (or an
// HTTP/1.0 client keeps it), then the body, all in one buffer so that it leaves in one send().
#pragma once

#include <string>
#include <string_view>

#include "plugins/rest-api/http_message.h"

namespace phpeek::rest {

enum class Persistence {
  kClose,        // "Connection: close": the server closes after this response
  kKeepAlive,    // HTTP/1.1: persistent without saying so
  kKeepAlive10,  // HTTP/1.0 client that asked for keep-alive: "Connection: keep-alive"
};

// `head`: the answer to a HEAD request, with the headers of the GET answer but no body.
std::string ResponseText(const HttpResponse& response, bool head, Persistence persistence);

// "HTTP/1.1 100 Continue\r\n\r\n"
std::string_view ContinueText();

// The standard reason phrase of `status` ("Not Found"), or "Unknown".
const char* ReasonPhrase(int status);

}  // namespace phpeek::rest
