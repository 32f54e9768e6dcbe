#include "plugins/common/http/request_parser.h"

#include <algorithm>
#include <utility>

#include "plugins/common/http/client_text.h"
#include "plugins/common/http/percent_decoding.h"

namespace phpeek::http {
namespace {

constexpr size_t kMaxLeadingEmptyBytes = 8;  // CR and LF bytes before the request line
constexpr size_t kMaxChunkLine = 1024;
constexpr size_t kMaxContentLengthDigits = 18;  // fits int64 whatever the digits
constexpr size_t kMaxChunkSizeDigits = 15;

bool IsTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsTchar); }

// A field value's bytes: visible ASCII, space, tab and obs-text; no other control character.
bool IsFieldValue(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7F) return false;
  }
  return true;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Calls `fn` with each non-empty, trimmed element of a comma-separated list (RFC 9110 5.6.1).
template <typename Fn>
bool ForEachListElement(std::string_view list, Fn&& fn) {
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view element = TrimOws(list.substr(0, comma));
    if (!element.empty() && !fn(element)) return false;
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

// Strips the line terminator: "\r\n" or a bare "\n" (RFC 9112 section 2.2 lets a recipient accept
// the latter). Returns false when a CR is left anywhere else in the line.
bool StripLineEnd(std::string_view* line) {
  if (!line->empty() && line->back() == '\n') line->remove_suffix(1);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  return line->find('\r') == std::string_view::npos;
}

int64_t ParseDigits(std::string_view digits) {
  int64_t v = 0;
  for (const char c : digits) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

RequestParser::RequestParser(RequestLimits limits) : limits_(limits) {}

void RequestParser::Reset() { *this = RequestParser(limits_); }

bool RequestParser::expects_continue() const {
  return expect_continue_ && minor_version_ == 1 &&
         (state_ == State::kBody || state_ == State::kChunkSize) && request_.body.empty();
}

HttpRequest RequestParser::TakeRequest() { return std::move(request_); }

void RequestParser::Fail(int status, std::string detail) {
  state_ = State::kError;
  error_.status = status;
  error_.detail = std::move(detail);
}

RequestParser::Progress RequestParser::Feed(std::string_view data, size_t* used) {
  size_t pos = 0;
  if (!data.empty()) started_ = true;
  // Each step consumes bytes or moves to another state; none doing either means it needs more.
  while (state_ != State::kDone && state_ != State::kError) {
    const size_t before = pos;
    const State was = state_;
    Step(data, &pos);
    if (pos == before && state_ == was) break;
  }
  *used = pos;
  if (state_ == State::kDone) return Progress::kComplete;
  return state_ == State::kError ? Progress::kError : Progress::kNeedMore;
}

void RequestParser::Step(std::string_view data, size_t* pos) {
  switch (state_) {
    case State::kHead:
      return FeedHead(data, pos);
    case State::kBody:
    case State::kChunkData:
      return FeedBody(data, pos);
    case State::kChunkSize:
      return FeedChunkSize(data, pos);
    case State::kChunkDataEnd:
      return FeedChunkEnd(data, pos);
    case State::kTrailer:
      return FeedTrailer(data, pos);
    case State::kDone:
    case State::kError:
      return;
  }
}

void RequestParser::FeedHead(std::string_view data, size_t* pos) {
  while (*pos < data.size()) {
    // RFC 9112 section 2.2: a server SHOULD ignore at least one empty line before the request.
    if (head_.empty() && (data[*pos] == '\r' || data[*pos] == '\n')) {
      if (++leading_empty_ > kMaxLeadingEmptyBytes) {
        Fail(400, "too many empty lines before the request line");
        return;
      }
      ++*pos;
      continue;
    }
    const size_t newline = data.find('\n', *pos);
    const size_t end = newline == std::string_view::npos ? data.size() : newline + 1;
    head_.append(data.substr(*pos, end - *pos));
    *pos = end;
    if (line_start_ == 0 && head_.size() > limits_.max_request_line) {
      Fail(414, "the request line is longer than " + std::to_string(limits_.max_request_line) +
                    " bytes");
      return;
    }
    if (head_.size() > limits_.max_head) {
      Fail(431, "the request head is larger than " + std::to_string(limits_.max_head) + " bytes");
      return;
    }
    if (newline == std::string_view::npos) return;
    const std::string_view line = std::string_view(head_).substr(line_start_);
    const bool empty = line == "\n" || line == "\r\n";
    line_start_ = head_.size();
    if (empty) {
      ParseHead();
      return;
    }
  }
}

bool RequestParser::ParseHead() {
  std::string_view rest(head_);
  bool first = true;
  while (!rest.empty()) {
    const size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline + 1);
    rest.remove_prefix(line.size());
    if (!StripLineEnd(&line)) {
      Fail(400, "a bare CR in the request head");
      return false;
    }
    if (line.empty()) break;  // the end of the head
    if (first ? !ParseRequestLine(line) : !ParseField(line)) return false;
    first = false;
  }
  head_.clear();
  return ChooseFraming();
}

bool RequestParser::ParseRequestLine(std::string_view line) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target =
      sp2 == std::string_view::npos ? std::string_view() : line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version =
      sp2 == std::string_view::npos ? std::string_view() : line.substr(sp2 + 1);
  bool target_ok = !target.empty();
  for (const char c : target) target_ok = target_ok && c > 0x20 && c < 0x7F;
  if (!IsToken(method) || !target_ok || version.find(' ') != std::string_view::npos) {
    Fail(400, "malformed request line '" + Printable(line) +
                  "': expected METHOD SP TARGET SP HTTP-VERSION");
    return false;
  }
  const bool version_ok = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                          version[5] >= '0' && version[5] <= '9' && version[6] == '.' &&
                          version[7] >= '0' && version[7] <= '9';
  if (!version_ok) {
    Fail(400, "malformed HTTP version '" + Printable(version) + "': expected HTTP/1.1");
    return false;
  }
  if (version[5] != '1') {
    Fail(505, "HTTP version " + std::string(version) + " is not supported: use HTTP/1.1");
    return false;
  }
  // HTTP/1.x with x > 1 is answered as HTTP/1.1 (RFC 9110 section 2.5).
  minor_version_ = version[7] == '0' ? 0 : 1;
  request_.method = std::string(method);
  request_.target = std::string(target);
  return true;
}

bool RequestParser::ParseField(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    Fail(400, "obsolete line folding in the header fields");
    return false;
  }
  if (request_.fields.size() >= limits_.max_fields) {
    Fail(431, "more than " + std::to_string(limits_.max_fields) + " header fields");
    return false;
  }
  const size_t colon = line.find(':');
  const std::string_view name = line.substr(0, colon);
  if (colon == std::string_view::npos || !IsToken(name)) {
    // Only the part before the colon is echoed: the value may be a credential.
    Fail(400, "malformed header field '" + Printable(name, 32) +
                  "': expected NAME: VALUE, without whitespace before the colon");
    return false;
  }
  const std::string_view value = TrimOws(line.substr(colon + 1));
  if (!IsFieldValue(value)) {
    Fail(400, "a control character in header field '" + Printable(name) + "'");
    return false;
  }
  if (EqualsIgnoreCase(name, "host")) {
    ++hosts_;
  } else if (EqualsIgnoreCase(name, "content-length")) {
    if (!ParseContentLength(value)) return false;
  } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
    if (!transfer_coding_.empty()) transfer_coding_ += ',';
    transfer_coding_ += Lower(value);
  } else if (EqualsIgnoreCase(name, "connection")) {
    ForEachListElement(value, [&](std::string_view option) {
      connection_close_ = connection_close_ || EqualsIgnoreCase(option, "close");
      connection_keep_alive_ = connection_keep_alive_ || EqualsIgnoreCase(option, "keep-alive");
      return true;
    });
  } else if (EqualsIgnoreCase(name, "expect")) {
    if (!EqualsIgnoreCase(value, "100-continue")) {
      Fail(417, "unsupported expectation '" + Printable(value) + "': only 100-continue is known");
      return false;
    }
    expect_continue_ = true;
  } else if (EqualsIgnoreCase(name, "authorization")) {
    // A singleton field: two credentials leave it open which one a handler would check.
    if (has_authorization_) {
      Fail(400, "more than one Authorization header");
      return false;
    }
    has_authorization_ = true;
  }
  request_.fields.emplace_back(std::string(name), std::string(value));
  return true;
}

bool RequestParser::ParseContentLength(std::string_view value) {
  const bool ok = ForEachListElement(value, [&](std::string_view element) {
    if (!IsDigits(element)) {
      Fail(400, "invalid Content-Length '" + Printable(value) + "': expected a number of bytes");
      return false;
    }
    if (has_content_length_ && element != content_length_) {
      Fail(400, "conflicting Content-Length values " + Printable(content_length_) + " and " +
                    Printable(element));
      return false;
    }
    has_content_length_ = true;
    content_length_ = std::string(element);
    return true;
  });
  if (!ok) return false;
  if (!has_content_length_) {
    Fail(400, "empty Content-Length: expected a number of bytes");
    return false;
  }
  return true;
}

bool RequestParser::ChooseFraming() {
  if (minor_version_ == 1 && hosts_ == 0) {
    Fail(400, "no Host header (HTTP/1.1 requires one)");
    return false;
  }
  if (hosts_ > 1) {
    Fail(400, "more than one Host header");
    return false;
  }
  keep_alive_ = !connection_close_ && (minor_version_ == 1 || connection_keep_alive_);
  const bool chunked = !TrimOws(transfer_coding_).empty();
  if (chunked && !CheckTransferCoding()) return false;
  const bool declared = chunked || content_length_.find_first_not_of('0') != std::string::npos;
  if (limits_.bodies == BodyPolicy::kSkip) {
    // The body is left unread: the bytes after the head can no longer be framed as requests.
    keep_alive_ = keep_alive_ && !declared;
    state_ = State::kDone;
    return true;
  }
  if (chunked) {
    state_ = State::kChunkSize;
    return true;
  }
  if (has_content_length_) {
    if (content_length_.size() > kMaxContentLengthDigits ||
        ParseDigits(content_length_) > limits_.max_body) {
      Fail(413, "the body may have at most " + std::to_string(limits_.max_body) +
                    " bytes, Content-Length says " + Printable(content_length_));
      return false;
    }
    remaining_ = ParseDigits(content_length_);
  }
  // Neither header: no body (RFC 9112 section 6.3, rule 7).
  state_ = remaining_ > 0 ? State::kBody : State::kDone;
  return true;
}

bool RequestParser::CheckTransferCoding() {
  const std::string_view coding = TrimOws(transfer_coding_);
  if (minor_version_ == 0) {
    Fail(400, "Transfer-Encoding in an HTTP/1.0 request");
    return false;
  }
  if (has_content_length_) {
    Fail(400, "both Content-Length and Transfer-Encoding: the body length is ambiguous");
    return false;
  }
  int chunked = 0;
  std::string last;
  std::string unsupported;
  ForEachListElement(coding, [&](std::string_view c) {
    last = std::string(c);
    if (c == "chunked")
      ++chunked;
    else if (unsupported.empty())
      unsupported = std::string(c);
    return true;
  });
  if (last != "chunked" || chunked != 1) {
    Fail(400, "Transfer-Encoding '" + Printable(coding) +
                  "': the last (and only final) transfer coding must be chunked");
    return false;
  }
  if (!unsupported.empty()) {
    Fail(501, "transfer coding '" + Printable(unsupported) + "' is not supported");
    return false;
  }
  return true;
}

bool RequestParser::ReadLine(std::string_view data, size_t* pos, size_t max,
                             std::string_view* line) {
  const size_t newline = data.find('\n', *pos);
  const size_t end = newline == std::string_view::npos ? data.size() : newline + 1;
  line_.append(data.substr(*pos, end - *pos));
  *pos = end;
  if (line_.size() > max) {
    if (state_ == State::kTrailer) {
      Fail(431,
           "the trailer section is larger than " + std::to_string(limits_.max_head) + " bytes");
    } else {
      Fail(400, "a chunk size line longer than " + std::to_string(max) + " bytes");
    }
    return false;
  }
  if (newline == std::string_view::npos) return false;
  *line = line_;
  if (!StripLineEnd(line)) {
    Fail(400, "a bare CR in the chunked body");
    return false;
  }
  return true;
}

bool RequestParser::AppendBody(int64_t n) {
  if (static_cast<int64_t>(request_.body.size()) + n > limits_.max_body) {
    Fail(413, "the body may have at most " + std::to_string(limits_.max_body) + " bytes");
    return false;
  }
  return true;
}

void RequestParser::FeedBody(std::string_view data, size_t* pos) {
  const int64_t take = std::min<int64_t>(remaining_, static_cast<int64_t>(data.size() - *pos));
  request_.body.append(data.substr(*pos, static_cast<size_t>(take)));
  *pos += static_cast<size_t>(take);
  remaining_ -= take;
  if (remaining_ > 0) return;
  state_ = state_ == State::kBody ? State::kDone : State::kChunkDataEnd;
}

void RequestParser::FeedChunkSize(std::string_view data, size_t* pos) {
  std::string_view line;
  if (!ReadLine(data, pos, kMaxChunkLine, &line)) return;
  // chunk-size [ chunk-ext ]; extensions are checked for stray control characters and ignored.
  const std::string_view size = TrimOws(line.substr(0, line.find(';')));
  if (size.empty() || size.size() > kMaxChunkSizeDigits || !IsFieldValue(line)) {
    Fail(400, "invalid chunk size line '" + Printable(line) + "'");
    return;
  }
  int64_t n = 0;
  for (const char c : size) {
    const int v = HexDigitValue(c);
    if (v < 0) {
      Fail(400, "invalid chunk size '" + Printable(size) + "'");
      return;
    }
    n = n * 16 + v;
  }
  line_.clear();
  if (n == 0) {
    state_ = State::kTrailer;
  } else if (AppendBody(n)) {
    remaining_ = n;
    state_ = State::kChunkData;
  }
}

void RequestParser::FeedChunkEnd(std::string_view data, size_t* pos) {
  std::string_view line;
  if (!ReadLine(data, pos, kMaxChunkLine, &line)) return;
  if (!line.empty()) {
    Fail(400, "a chunk is longer than its size says");
    return;
  }
  line_.clear();
  state_ = State::kChunkSize;
}

void RequestParser::FeedTrailer(std::string_view data, size_t* pos) {
  const size_t budget = limits_.max_head - std::min(trailer_bytes_, limits_.max_head);
  std::string_view line;
  const bool complete = ReadLine(data, pos, budget, &line);
  if (!complete) return;
  // The whole line: it may have come in several pieces (line_ holds them all until cleared).
  trailer_bytes_ += line_.size();
  if (line.empty()) {
    state_ = State::kDone;
  } else {
    // Trailer fields are checked like header fields, then ignored.
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon)) ||
        !IsFieldValue(line.substr(colon + 1))) {
      Fail(400, "malformed trailer field '" + Printable(line) + "'");
      return;
    }
  }
  line_.clear();
}

}  // namespace phpeek::http
