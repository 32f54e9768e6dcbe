#include "plugins/metrics/fastcgi_protocol.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace phpeek::metrics::fastcgi {
namespace {

constexpr size_t kMaxStderrKept = 256;

void AppendLength(std::string* out, size_t length) {
  if (length < 128) {
    out->push_back(static_cast<char>(length));
    return;
  }
  const auto n = static_cast<uint32_t>(length);
  out->push_back(static_cast<char>(((n >> 24) & 0x7f) | 0x80));
  out->push_back(static_cast<char>((n >> 16) & 0xff));
  out->push_back(static_cast<char>((n >> 8) & 0xff));
  out->push_back(static_cast<char>(n & 0xff));
}

uint16_t Uint16At(std::string_view bytes, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(bytes[at]) << 8) |
                               static_cast<uint8_t>(bytes[at + 1]));
}

bool SameHeaderName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// "404 Not Found" -> 404.
bool ParseStatusValue(std::string_view value, int* status) {
  const std::string_view digits = value.substr(0, value.find(' '));
  int parsed = 0;
  const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
  if (res.ec != std::errc() || res.ptr != digits.data() + digits.size() || parsed < 100 ||
      parsed > 999) {
    return false;
  }
  *status = parsed;
  return true;
}

const char* ProtocolStatusText(uint8_t status) {
  switch (status) {
    case 1:
      return "cannot multiplex connections";
    case 2:
      return "overloaded";
    case 3:
      return "unknown role";
    default:
      return "unknown protocol status";
  }
}

}  // namespace

std::string EncodeRecord(RecordType type, uint16_t request_id, std::string_view content) {
  const size_t length = std::min(content.size(), kMaxContent);
  const size_t padding = (8 - length % 8) % 8;
  std::string out;
  out.reserve(kHeaderSize + length + padding);
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(request_id >> 8));
  out.push_back(static_cast<char>(request_id & 0xff));
  out.push_back(static_cast<char>(length >> 8));
  out.push_back(static_cast<char>(length & 0xff));
  out.push_back(static_cast<char>(padding));
  out.push_back('\0');
  out.append(content.substr(0, length));
  out.append(padding, '\0');
  return out;
}

void AppendNameValue(std::string* out, std::string_view name, std::string_view value) {
  AppendLength(out, name.size());
  AppendLength(out, value.size());
  out->append(name);
  out->append(value);
}

std::string EncodeRequest(const Params& params) {
  const char begin[8] = {0, static_cast<char>(kRoleResponder), 0 /* flags: close */, 0, 0, 0, 0, 0};
  std::string out = EncodeRecord(kBeginRequest, kRequestId, std::string_view(begin, sizeof begin));
  std::string pairs;
  for (const auto& [name, value] : params) AppendNameValue(&pairs, name, value);
  for (size_t at = 0; at < pairs.size(); at += kMaxContent) {
    out += EncodeRecord(kParams, kRequestId, std::string_view(pairs).substr(at, kMaxContent));
  }
  out += EncodeRecord(kParams, kRequestId, "");
  out += EncodeRecord(kStdin, kRequestId, "");
  return out;
}

Params GetParams(std::string_view path, std::string_view query) {
  const std::string p(path);
  return {
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"REQUEST_METHOD", "GET"},
      {"SCRIPT_NAME", p},
      {"SCRIPT_FILENAME", p},
      {"DOCUMENT_URI", p},
      {"REQUEST_URI", query.empty() ? p : p + "?" + std::string(query)},
      {"QUERY_STRING", std::string(query)},
  };
}

ResponseReader::State ResponseReader::Fail(std::string message) {
  error_ = std::move(message);
  state_ = State::kError;
  pending_.clear();
  return state_;
}

ResponseReader::State ResponseReader::Feed(std::string_view bytes) {
  if (state_ != State::kNeedMore) return state_;
  pending_.append(bytes);
  while (state_ == State::kNeedMore && TakeRecord()) {
  }
  return state_;
}

ResponseReader::State ResponseReader::Finish() {
  if (state_ != State::kNeedMore) return state_;
  if (pending_.empty()) return Fail("the connection closed before END_REQUEST");
  return Fail("the connection closed inside a record (" + std::to_string(pending_.size()) +
              " bytes of it)");
}

bool ResponseReader::TakeRecord() {
  if (pending_.size() < kHeaderSize) return false;
  const std::string_view header(pending_.data(), kHeaderSize);
  const auto version = static_cast<uint8_t>(header[0]);
  const auto type = static_cast<uint8_t>(header[1]);
  if (version != kVersion) {
    Fail("not a FastCGI answer (record version " + std::to_string(version) + ")");
    return false;
  }
  if (Uint16At(header, 2) != kRequestId) {
    Fail("a record for request " + std::to_string(Uint16At(header, 2)) + ", not " +
         std::to_string(kRequestId));
    return false;
  }
  const size_t length = Uint16At(header, 4);
  const size_t padding = static_cast<uint8_t>(header[6]);
  if (type != kStdout && type != kStderr && type != kEndRequest) {
    Fail("unexpected record type " + std::to_string(type));
    return false;
  }
  if (type != kEndRequest && received_ + length > max_answer_) {
    Fail("the answer is larger than " + std::to_string(max_answer_) + " bytes");
    return false;
  }
  if (pending_.size() < kHeaderSize + length + padding) return false;
  const std::string_view content(pending_.data() + kHeaderSize, length);
  if (type == kEndRequest) {
    EndRequest(content);
    return false;
  }
  received_ += length;
  if (type == kStdout) {
    stdout_.append(content);
  } else {
    stderr_.append(content.substr(0, kMaxStderrKept - std::min(kMaxStderrKept, stderr_.size())));
  }
  pending_.erase(0, kHeaderSize + length + padding);
  return true;
}

void ResponseReader::EndRequest(std::string_view content) {
  if (content.size() < 8) {
    Fail("END_REQUEST with " + std::to_string(content.size()) + " bytes, not 8");
    return;
  }
  const auto protocol_status = static_cast<uint8_t>(content[4]);
  if (protocol_status != 0) {
    Fail(std::string("the server refused the request: ") + ProtocolStatusText(protocol_status));
    return;
  }
  state_ = State::kDone;
  pending_.clear();
}

bool ParseCgiResponse(std::string_view text, CgiResponse* out, std::string* err) {
  *out = CgiResponse{};
  size_t at = 0;
  while (true) {
    const size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) {
      *err = "the CGI answer has no blank line after its headers";
      return false;
    }
    std::string_view line = text.substr(at, eol - at);
    at = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      *err = "the CGI answer has a header line without ':'";
      return false;
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = TrimBlanks(line.substr(colon + 1));
    if (SameHeaderName(name, "Status") && !ParseStatusValue(value, &out->status)) {
      *err = "the CGI answer's Status header is not a status code";
      return false;
    }
    if (SameHeaderName(name, "Content-Type")) out->content_type = std::string(value);
  }
  out->body = text.substr(at);
  return true;
}

}  // namespace phpeek::metrics::fastcgi
