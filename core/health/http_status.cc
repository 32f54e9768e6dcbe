#include "core/health/http_status.h"

namespace phpeek::health {

StatusLine ParseStatusLine(std::string_view received, int* status) {
  const size_t end = received.find('\n');
  std::string_view line = received.substr(0, end);
  // A peer that is not HTTP at all is told apart early, without waiting for a line end.
  constexpr std::string_view kPrefix = "HTTP/1.";
  const std::string_view head = line.substr(0, kPrefix.size());
  if (head != kPrefix.substr(0, head.size())) return StatusLine::kMalformed;
  if (end == std::string_view::npos) return StatusLine::kIncomplete;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // "HTTP/1.x SP DDD" then SP reason (optional)
  if (line.size() < 12 || line[8] != ' ' || (line.size() > 12 && line[12] != ' ')) {
    return StatusLine::kMalformed;
  }
  int code = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return StatusLine::kMalformed;
    code = code * 10 + (line[i] - '0');
  }
  if (code < 100) return StatusLine::kMalformed;
  *status = code;
  return StatusLine::kParsed;
}

}  // namespace phpeek::health
