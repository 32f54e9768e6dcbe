#include "core/log/line_format.h"

#include "core/json/json_writer.h"
#include "core/text/byte_scan.h"
#include "core/text/utf8.h"

namespace phpeek::log {
namespace {

// Whether one of the 8 bytes of `w` is not printable ASCII or is one of `specials`.
bool AnyNotPrintableOr(uint64_t w, std::string_view specials) {
  uint64_t mask = text::NotPrintableAsciiMask(w);
  for (const char c : specials) mask |= text::ByteIsMask(w, static_cast<unsigned char>(c));
  return mask != 0;
}

// Printable UTF-8 only (no C0, DEL, C1 control or invalid sequence) and none of `specials`. Plain
// ASCII is skipped 8 bytes a step: every line a child writes is checked.
bool Printable(std::string_view s, std::string_view specials) {
  for (size_t i = 0; i < s.size();) {
    if (i + 8 <= s.size() && !AnyNotPrintableOr(text::LoadWord(s, i), specials)) {
      i += 8;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = text::Utf8SequenceLength(s, i);
      if (len == 0) return false;
      if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return false;  // U+0080-9F
      i += len;
      continue;
    }
    if (c < 0x20 || c == 0x7F || specials.find(static_cast<char>(c)) != std::string_view::npos) {
      return false;
    }
    ++i;
  }
  return true;
}

bool BareMessage(std::string_view msg) {
  return !msg.empty() && msg.front() != '"' && msg.front() != ' ' && msg.back() != ' ' &&
         Printable(msg, "=");
}

bool BareValue(std::string_view value) { return !value.empty() && Printable(value, " \"=\\"); }

void AppendKey(std::string* out, std::string_view key) {
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    out->push_back(ok ? c : '_');
  }
}

// What follows the time in a JSON line, up to the message's value.
std::string_view LevelAndMsgKey(Level level) {
  switch (level) {
    case Level::kDebug:
      return "\",\"level\":\"debug\",\"msg\":";
    case Level::kInfo:
      break;
    case Level::kWarn:
      return "\",\"level\":\"warn\",\"msg\":";
    case Level::kError:
      return "\",\"level\":\"error\",\"msg\":";
  }
  return "\",\"level\":\"info\",\"msg\":";
}

// `,"key":value` for each field.
void AppendMembers(std::string* out, std::span<const Field> fields) {
  for (const Field& f : fields) {
    out->push_back(',');
    json::AppendQuoted(out, f.key);
    out->push_back(':');
    if (f.raw_json) {
      out->append(f.text);
    } else {
      json::AppendQuoted(out, f.text);
    }
  }
}

// ` key=value` for each field.
void AppendTextFields(std::string* out, std::span<const Field> fields) {
  for (const Field& f : fields) {
    out->push_back(' ');
    AppendKey(out, f.key);
    out->push_back('=');
    if (BareValue(f.text)) {
      out->append(f.text);
    } else {
      json::AppendQuoted(out, f.text);
    }
  }
}

}  // namespace

// Written by hand, not through json::Writer: the structure is fixed, and this runs on the
// supervisor loop for every line a child writes (so: few calls per line, one reserve).
void AppendJson(std::string* out, std::string_view time, Level level, std::string_view msg,
                std::string_view fixed, std::span<const Field> fields) {
  size_t size = out->size() + time.size() + msg.size() + fixed.size() + 48;
  for (const Field& f : fields) size += f.key.size() + f.text.size() + 6;
  if (out->capacity() < size) out->reserve(size);
  out->append("{\"time\":\"").append(time).append(LevelAndMsgKey(level));
  json::AppendQuoted(out, msg);
  out->append(fixed);
  AppendMembers(out, fields);
  out->push_back('}');
}

std::string RenderJson(std::string_view time, Level level, std::string_view msg,
                       std::span<const Field> fields) {
  std::string out;
  AppendJson(&out, time, level, msg, {}, fields);
  return out;
}

std::string RenderText(std::string_view msg, std::span<const Field> fields) {
  return RenderText(msg, {}, fields);
}

void AppendText(std::string* out, std::string_view msg, std::string_view fixed,
                std::span<const Field> fields) {
  size_t size = out->size() + msg.size() + fixed.size() + 8;
  for (const Field& f : fields) size += f.key.size() + f.text.size() + 4;
  if (out->capacity() < size) out->reserve(size);
  if (BareMessage(msg)) {
    out->append(msg);
  } else {
    json::AppendQuoted(out, msg);
  }
  out->append(fixed);
  AppendTextFields(out, fields);
}

std::string RenderText(std::string_view msg, std::string_view fixed,
                       std::span<const Field> fields) {
  std::string out;
  AppendText(&out, msg, fixed, fields);
  return out;
}

RenderedFields::RenderedFields(std::span<const Field> fields) {
  AppendMembers(&json, fields);
  AppendTextFields(&text, fields);
}

}  // namespace phpeek::log
