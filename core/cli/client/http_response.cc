#include "core/cli/client/http_response.h"

#include <strings.h>

#include <algorithm>
#include <charconv>

namespace phpeek::cli::client {
namespace {

using Progress = ResponseParser::Progress;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTokenChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digits only (no sign, no spaces), base 10 or 16, without overflow.
bool ParseSize(std::string_view text, int base, size_t* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

const std::string* HttpResponse::Header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (EqualsIgnoreCase(it->first, name)) return &it->second;
  }
  return nullptr;
}

Progress ResponseParser::Feed(std::string_view data) {
  if (state_ == State::kDone) return Progress::kComplete;
  if (!error_.empty()) return Progress::kError;
  received_any_ = received_any_ || !data.empty();
  pending_.erase(0, pos_);  // once per read, not per chunk: keeps many small chunks linear
  pos_ = 0;
  pending_.append(data);
  for (;;) {
    bool progressed = false;
    const Progress p = Step(&progressed);
    if (p != Progress::kIncomplete || !progressed) return p;
  }
}

std::string ResponseParser::TakeBody() {
  std::string body;
  body.swap(response_.body);
  return body;
}

Progress ResponseParser::Finish() {
  if (state_ == State::kDone) return Progress::kComplete;
  if (!error_.empty()) return Progress::kError;
  if (state_ == State::kUntilEnd) {
    state_ = State::kDone;
    return Progress::kComplete;
  }
  return Fail(received_any_ ? "the connection closed before the end of the answer"
                            : "the connection closed without an answer");
}

Progress ResponseParser::Step(bool* progressed) {
  switch (state_) {
    case State::kHead:
      return ReadHead(progressed);
    case State::kFixed:
    case State::kUntilEnd:
    case State::kChunkData:
      return ReadBody(progressed);
    case State::kChunkSize:
      return ReadChunkSize(progressed);
    case State::kChunkEnd: {
      if (pending_.size() - pos_ < 2) return Progress::kIncomplete;
      if (pending_.compare(pos_, 2, "\r\n") != 0)
        return Fail("malformed chunk: no CRLF after data");
      pos_ += 2;
      state_ = State::kChunkSize;
      *progressed = true;
      return Progress::kIncomplete;
    }
    case State::kTrailer: {
      std::string_view line;
      const Progress p = ReadLine(remaining_, &line);
      if (p != Progress::kComplete) return p;
      *progressed = true;
      remaining_ -= std::min(remaining_, line.size() + 2);
      if (!line.empty()) return Progress::kIncomplete;  // a trailer field: not used
      state_ = State::kDone;
      return Progress::kComplete;
    }
    case State::kDone:
      return Progress::kComplete;
  }
  return Progress::kError;
}

Progress ResponseParser::ReadHead(bool* progressed) {
  const size_t end = pending_.find("\r\n\r\n", pos_);
  if (end == std::string::npos || end - pos_ > kMaxHeaderBytes) {
    if (pending_.size() - pos_ <= kMaxHeaderBytes) return Progress::kIncomplete;
    return Fail("the header block exceeds " + std::to_string(kMaxHeaderBytes) + " bytes");
  }
  const std::string_view head(pending_.data() + pos_, end - pos_);
  pos_ = end + 4;
  *progressed = true;
  if (!ParseHead(head)) return Progress::kError;
  if (response_.status < 200) {  // interim (100 Continue, ...): the real answer follows
    response_ = HttpResponse{};
    return Progress::kIncomplete;
  }
  if (!ChooseFraming()) return Progress::kError;
  return state_ == State::kDone ? Progress::kComplete : Progress::kIncomplete;
}

bool ResponseParser::ParseHead(std::string_view head) {
  size_t eol = head.find("\r\n");
  if (!ParseStatusLine(head.substr(0, eol))) return false;
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      Fail("malformed header line '" + std::string(line.substr(0, 80)) + "'");
      return false;
    }
    response_.headers.emplace_back(name, Trim(line.substr(colon + 1)));
  }
  return true;
}

// "HTTP/1.x NNN reason", the reason phrase optional.
bool ResponseParser::ParseStatusLine(std::string_view line) {
  const bool ok = line.size() >= 12 && line.substr(0, 7) == "HTTP/1." && IsDigit(line[7]) &&
                  line[8] == ' ' && IsDigit(line[9]) && IsDigit(line[10]) && IsDigit(line[11]) &&
                  (line.size() == 12 || line[12] == ' ') && line[9] >= '1' && line[9] <= '5';
  if (!ok) {
    Fail("not an HTTP/1.x answer: '" + std::string(line.substr(0, 80)) + "'");
    return false;
  }
  response_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  return true;
}

bool ResponseParser::ChooseFraming() {
  const int status = response_.status;
  if (status == 204 || status == 304) {
    state_ = State::kDone;
    return true;
  }
  if (const std::string* coding = response_.Header("Transfer-Encoding")) {
    if (!EqualsIgnoreCase(*coding, "chunked")) {
      Fail("unsupported Transfer-Encoding '" + *coding + "'");
      return false;
    }
    state_ = State::kChunkSize;
    return true;
  }
  const std::string* length = response_.Header("Content-Length");
  if (!length) {
    state_ = State::kUntilEnd;
    return true;
  }
  for (const auto& [name, value] : response_.headers) {
    if (EqualsIgnoreCase(name, "Content-Length") && value != *length) {
      Fail("conflicting Content-Length headers");
      return false;
    }
  }
  if (!ParseSize(*length, 10, &remaining_)) {
    Fail("invalid Content-Length '" + *length + "'");
    return false;
  }
  if (remaining_ > max_body_) {
    Fail("the answer exceeds " + std::to_string(max_body_) + " bytes");
    return false;
  }
  response_.body.reserve(remaining_);
  state_ = remaining_ == 0 ? State::kDone : State::kFixed;
  return true;
}

Progress ResponseParser::ReadBody(bool* progressed) {
  const size_t available = pending_.size() - pos_;
  if (available == 0) return Progress::kIncomplete;
  const size_t n = state_ == State::kUntilEnd ? available : std::min(available, remaining_);
  if (!AppendBody(n)) return Progress::kError;
  *progressed = true;
  if (state_ == State::kUntilEnd) return Progress::kIncomplete;
  remaining_ -= n;
  if (remaining_ > 0) return Progress::kIncomplete;
  if (state_ == State::kChunkData) {
    state_ = State::kChunkEnd;
    return Progress::kIncomplete;
  }
  state_ = State::kDone;
  return Progress::kComplete;
}

// "1a3f[;extension]" CRLF; size 0 ends the body (trailer fields follow).
Progress ResponseParser::ReadChunkSize(bool* progressed) {
  std::string_view line;
  const Progress p = ReadLine(1024, &line);
  if (p != Progress::kComplete) return p;
  *progressed = true;
  size_t size = 0;
  if (!ParseSize(Trim(line.substr(0, line.find(';'))), 16, &size)) {
    return Fail("malformed chunk size '" + std::string(line.substr(0, 80)) + "'");
  }
  if (size == 0) {
    state_ = State::kTrailer;
    remaining_ = kMaxHeaderBytes;
    return Progress::kIncomplete;
  }
  if (size > max_body_ - response_.body.size()) {
    return Fail("the answer exceeds " + std::to_string(max_body_) + " bytes");
  }
  remaining_ = size;
  state_ = State::kChunkData;
  return Progress::kIncomplete;
}

// One CRLF-terminated line from pos_ (consumed); kIncomplete until it has arrived.
Progress ResponseParser::ReadLine(size_t limit, std::string_view* line) {
  const size_t end = pending_.find("\r\n", pos_);
  if (end == std::string::npos || end - pos_ > limit) {
    if (pending_.size() - pos_ <= limit) return Progress::kIncomplete;
    return Fail("a chunk or trailer line exceeds " + std::to_string(limit) + " bytes");
  }
  *line = std::string_view(pending_.data() + pos_, end - pos_);
  pos_ = end + 2;
  return Progress::kComplete;
}

bool ResponseParser::AppendBody(size_t n) {
  if (n > max_body_ - response_.body.size()) {
    Fail("the answer exceeds " + std::to_string(max_body_) + " bytes");
    return false;
  }
  response_.body.append(pending_, pos_, n);
  pos_ += n;
  return true;
}

Progress ResponseParser::Fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  return Progress::kError;
}

}  // namespace phpeek::cli::client
