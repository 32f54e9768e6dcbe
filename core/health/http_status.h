// The first line of an HTTP response, as the http probe reads it: "HTTP/1.1 200 OK\r\n".
#pragma once

#include <string_view>

namespace phpeek::health {

enum class StatusLine {
  kIncomplete,  // no line end yet: read more
  kParsed,      // *status holds the code
  kMalformed,   // not an HTTP/1.x status line
};

// Parses the status line at the start of `received` (the response's first bytes).
StatusLine ParseStatusLine(std::string_view received, int* status);

}  // namespace phpeek::health
