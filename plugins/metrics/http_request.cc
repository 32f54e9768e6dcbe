#include "plugins/metrics/http_request.h"

#include <cstring>
#include <optional>
#include <vector>

namespace phpeek::metrics {
namespace {

constexpr size_t kMaxFields = 100;
constexpr size_t kMaxContentLengthDigits = 18;  // fits int64 without overflow checks

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated elements of a field value, trimmed, empty ones skipped.
std::vector<std::string_view> Elements(std::string_view value) {
  std::vector<std::string_view> out;
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view item = Trim(value.substr(0, comma));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

// Splits the head into lines without their CRLF or LF; false when a line holds a bare CR.
bool SplitLines(std::string_view head, std::vector<std::string_view>* lines) {
  while (!head.empty()) {
    const size_t lf = head.find('\n');
    std::string_view line = head.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\r') != std::string_view::npos) return false;
    lines->push_back(line);
    if (lf == std::string_view::npos) break;
    head.remove_prefix(lf + 1);
  }
  while (!lines->empty() && lines->back().empty()) lines->pop_back();
  return true;
}

HeadParse Bad(std::string reason) { return HeadParse{400, std::move(reason)}; }

HeadParse ParseRequestLine(std::string_view line, RequestHead* out) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Bad("malformed request line");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return Bad("malformed request method");
  if (target.empty()) return Bad("empty request target");
  for (const char c : target) {
    if (c <= ' ' || c == 0x7f) return Bad("malformed request target");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return Bad("malformed HTTP version");
  }
  if (version[5] != '1' || version[7] > '1') {
    return HeadParse{505, "only HTTP/1.0 and HTTP/1.1 are served"};
  }
  out->method = std::string(method);
  out->target = std::string(target);
  out->minor_version = version[7] - '0';
  out->keep_alive = out->minor_version == 1;
  return {};
}

// One Content-Length field value: digits, or a list of identical digits ("5, 5").
std::optional<int64_t> ContentLength(std::string_view value) {
  const std::vector<std::string_view> items = Elements(value);
  if (items.empty()) return std::nullopt;
  for (const std::string_view item : items) {
    if (item != items.front() || item.size() > kMaxContentLengthDigits) return std::nullopt;
    for (const char c : item) {
      if (c < '0' || c > '9') return std::nullopt;
    }
  }
  int64_t n = 0;
  for (const char c : items.front()) n = n * 10 + (c - '0');
  return n;
}

struct Framing {
  std::optional<int64_t> content_length;
  bool transfer_encoding = false;
  bool host = false;
};

HeadParse ParseField(std::string_view line, RequestHead* out, Framing* framing) {
  if (line.front() == ' ' || line.front() == '\t') return Bad("folded header lines are refused");
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Bad("header line without a colon");
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = Trim(line.substr(colon + 1));
  if (!IsToken(name)) return Bad("malformed header name");
  for (const char c : value) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
      return Bad("control character in header " + std::string(name));
    }
  }
  if (EqualsIgnoreCase(name, "content-length")) {
    const std::optional<int64_t> n = ContentLength(value);
    if (!n) return Bad("invalid Content-Length");
    if (framing->content_length && *framing->content_length != *n) {
      return Bad("conflicting Content-Length headers");
    }
    framing->content_length = n;
  } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
    framing->transfer_encoding = true;
  } else if (EqualsIgnoreCase(name, "host")) {
    if (framing->host) return Bad("more than one Host header");
    framing->host = true;
  } else if (EqualsIgnoreCase(name, "connection")) {
    for (const std::string_view option : Elements(value)) {
      if (EqualsIgnoreCase(option, "close")) out->keep_alive = false;
      if (EqualsIgnoreCase(option, "keep-alive") && out->minor_version == 0) out->keep_alive = true;
    }
  }
  return {};
}

}  // namespace

size_t LeadingEmptyLines(std::string_view buffer) {
  size_t n = 0;
  while (n < buffer.size() && (buffer[n] == '\r' || buffer[n] == '\n')) ++n;
  return n;
}

size_t HeadLength(std::string_view buffer) {
  for (size_t lf = buffer.find('\n'); lf != std::string_view::npos;
       lf = buffer.find('\n', lf + 1)) {
    // The empty line: "\n\n" or "\n\r\n".
    if (lf + 1 < buffer.size() && buffer[lf + 1] == '\n') return lf + 2;
    if (lf + 2 < buffer.size() && buffer[lf + 1] == '\r' && buffer[lf + 2] == '\n') return lf + 3;
  }
  return 0;
}

HeadParse ParseRequestHead(std::string_view head, RequestHead* out) {
  *out = RequestHead{};
  std::vector<std::string_view> lines;
  if (!SplitLines(head, &lines)) return Bad("bare CR in the request head");
  if (lines.empty()) return Bad("empty request");
  if (lines.size() - 1 > kMaxFields) return HeadParse{431, "too many header fields"};
  HeadParse result = ParseRequestLine(lines.front(), out);
  if (result.status != 0) return result;
  Framing framing;
  for (size_t i = 1; i < lines.size(); ++i) {
    result = ParseField(lines[i], out, &framing);
    if (result.status != 0) return result;
  }
  if (framing.content_length && framing.transfer_encoding) {
    return Bad("both Content-Length and Transfer-Encoding");
  }
  if (out->minor_version == 1 && !framing.host) return Bad("HTTP/1.1 request without Host");
  out->has_body = framing.transfer_encoding || framing.content_length.value_or(0) > 0;
  return {};
}

}  // namespace phpeek::metrics
