#include "plugins/common/control/sse_text.h"

#include <charconv>

namespace phpeek::control {

void AppendSseEvent(std::string* out, uint64_t id, std::string_view data) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), id);
  out->append("id: ");
  out->append(digits, end);
  out->append("\ndata: ");
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c != '\r' && c != '\n') {
      out->push_back(c);
      continue;
    }
    if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;  // CRLF is one break
    out->append("\ndata: ");
  }
  out->append("\n\n");
}

std::string SseNamedEvent(std::string_view name, std::string_view data) {
  std::string out = "event: ";
  out.append(name);
  out.append("\ndata: ");
  out.append(data);
  out.append("\n\n");
  return out;
}

std::string_view SseHeartbeat() { return ": heartbeat\n\n"; }

bool ParseEventId(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > kMaxEventIdLength) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace phpeek::control
