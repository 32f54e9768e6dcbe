#include "core/json/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/text/byte_scan.h"
#include "core/text/utf8.h"

namespace phpeek::json {

namespace {

// Bytes written as they are: printable ASCII but the quote and the backslash.
constexpr bool Plain(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

// Whether one of the 8 bytes of `w` is not Plain.
constexpr bool AnyNotPlain(uint64_t w) {
  return (text::NotPrintableAsciiMask(w) | text::ByteIsMask(w, '"') | text::ByteIsMask(w, '\\')) !=
         0;
}

size_t PlainRunEnd(std::string_view s, size_t i) {
  while (i + 8 <= s.size()) {
    if (AnyNotPlain(text::LoadWord(s, i))) break;
    i += 8;
  }
  while (i < s.size() && Plain(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

}  // namespace

// Runs of plain bytes are appended whole (a child's line is mostly one run): this is on the
// supervisor loop's path for every line a child writes.
void AppendQuoted(std::string* out, std::string_view s) {
  if (out->capacity() < out->size() + s.size() + 2) out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const size_t run = PlainRunEnd(s, i);
    if (run > i) {
      out->append(s.data() + i, run - i);
      i = run;
      if (i == s.size()) break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = text::Utf8SequenceLength(s, i);
      if (len == 0) {
        out->append("\xEF\xBF\xBD");
        ++i;
      } else if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
        // A C1 control (U+0080-U+009F; U+009B is CSI to some terminals): escaped like C0.
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(s[i + 1]));
        out->append(buf);
        i += len;
      } else {
        out->append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {  // another C0 control, or DEL
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out->append(buf);
      }
    }
    ++i;
  }
  out->push_back('"');
}

std::string Quote(std::string_view s) {
  std::string out;
  AppendQuoted(&out, s);
  return out;
}

void Writer::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

Writer& Writer::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

Writer& Writer::EndObject() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}

Writer& Writer::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

Writer& Writer::EndArray() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}

Writer& Writer::Key(std::string_view key) {
  BeforeValue();
  AppendQuoted(&out_, key);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

Writer& Writer::String(std::string_view value) {
  BeforeValue();
  AppendQuoted(&out_, value);
  return *this;
}

Writer& Writer::Int(int64_t value) {
  BeforeValue();
  out_.append(std::to_string(value));
  return *this;
}

Writer& Writer::Double(double value) {
  BeforeValue();
  if (!std::isfinite(value)) {
    out_.append("null");
    return *this;
  }
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, r.ptr);
  return *this;
}

Writer& Writer::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  return *this;
}

Writer& Writer::Null() {
  BeforeValue();
  out_.append("null");
  return *this;
}

Writer& Writer::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
  return *this;
}

}  // namespace phpeek::json
