#include "core/json/json_value.h"

#include <charconv>

namespace phpeek::json {

// Recursive descent over the document; each value records its own span of the text.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  bool Run(Value* out, std::string* err) {
    size_t pos = 0;
    SkipSpace(&pos);
    bool ok = ParseValue(&pos, 0, out);
    if (ok) {
      SkipSpace(&pos);
      if (pos != text_.size()) ok = Error(pos, "trailing characters");
    }
    if (!ok) *err = error_;
    return ok;
  }

 private:
  static constexpr size_t kMaxDepth = 512;

  bool Error(size_t pos, const char* what) {
    if (error_.empty()) error_ = std::string(what) + " at offset " + std::to_string(pos);
    return false;
  }

  void SkipSpace(size_t* pos) const {
    while (*pos < text_.size() && (text_[*pos] == ' ' || text_[*pos] == '\t' ||
                                   text_[*pos] == '\n' || text_[*pos] == '\r')) {
      ++*pos;
    }
  }

  bool At(size_t pos, char c) const { return pos < text_.size() && text_[pos] == c; }

  bool ParseValue(size_t* pos, size_t depth, Value* v) {
    if (depth > kMaxDepth) return Error(*pos, "nesting too deep");
    const size_t start = *pos;
    if (start >= text_.size()) return Error(start, "unexpected end");
    bool ok;
    const char c = text_[start];
    if (c == '{') {
      v->kind_ = ValueKind::kObject;
      ok = ParseObject(pos, depth, v);
    } else if (c == '[') {
      v->kind_ = ValueKind::kArray;
      ok = ParseArray(pos, depth, v);
    } else if (c == '"') {
      v->kind_ = ValueKind::kString;
      ok = ParseString(pos, &v->string_);
    } else if (c == 't' || c == 'f' || c == 'n') {
      v->kind_ = c == 'n' ? ValueKind::kNull : ValueKind::kBool;
      ok = ParseLiteral(pos);
    } else {
      v->kind_ = ValueKind::kNumber;
      ok = ParseNumber(pos);
    }
    if (ok) v->text_ = text_.substr(start, *pos - start);
    return ok;
  }

  bool ParseObject(size_t* pos, size_t depth, Value* v) {
    ++*pos;
    SkipSpace(pos);
    if (At(*pos, '}')) {
      ++*pos;
      return true;
    }
    for (;;) {
      SkipSpace(pos);
      if (!At(*pos, '"')) return Error(*pos, "expected member name");
      Value::Member& m = v->members_.emplace_back();
      if (!ParseString(pos, &m.first)) return false;
      SkipSpace(pos);
      if (!At(*pos, ':')) return Error(*pos, "expected ':'");
      ++*pos;
      SkipSpace(pos);
      if (!ParseValue(pos, depth + 1, &m.second)) return false;
      SkipSpace(pos);
      if (!At(*pos, ',') && !At(*pos, '}')) return Error(*pos, "expected ',' or '}'");
      if (text_[(*pos)++] == '}') return true;
    }
  }

  bool ParseArray(size_t* pos, size_t depth, Value* v) {
    ++*pos;
    SkipSpace(pos);
    if (At(*pos, ']')) {
      ++*pos;
      return true;
    }
    for (;;) {
      SkipSpace(pos);
      if (!ParseValue(pos, depth + 1, &v->items_.emplace_back())) return false;
      SkipSpace(pos);
      if (!At(*pos, ',') && !At(*pos, ']')) return Error(*pos, "expected ',' or ']'");
      if (text_[(*pos)++] == ']') return true;
    }
  }

  bool ParseLiteral(size_t* pos) {
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(*pos, word.size()) == word) {
        *pos += word.size();
        return true;
      }
    }
    return Error(*pos, "invalid literal");
  }

  bool ParseNumber(size_t* pos) {
    size_t p = *pos;
    auto digits = [&] {
      const size_t s = p;
      while (p < text_.size() && text_[p] >= '0' && text_[p] <= '9') ++p;
      return p > s;
    };
    if (At(p, '-')) ++p;
    if (At(p, '0')) {
      ++p;
    } else if (!digits()) {
      return Error(*pos, "invalid value");
    }
    if (At(p, '.')) {
      ++p;
      if (!digits()) return Error(p, "invalid number");
    }
    if (At(p, 'e') || At(p, 'E')) {
      ++p;
      if (At(p, '+') || At(p, '-')) ++p;
      if (!digits()) return Error(p, "invalid number");
    }
    *pos = p;
    return true;
  }

  bool ParseString(size_t* pos, std::string* out);

  std::string_view text_;
  std::string error_;
};

namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool ReadHex4(std::string_view t, size_t p, uint32_t* v) {
  if (p + 4 > t.size()) return false;
  *v = 0;
  for (size_t i = p; i < p + 4; ++i) {
    const char c = t[i];
    const uint32_t d = c >= '0' && c <= '9'   ? c - '0'
                       : c >= 'a' && c <= 'f' ? c - 'a' + 10
                       : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : 99;
    if (d == 99) return false;
    *v = *v * 16 + d;
  }
  return true;
}

// The code point of the \u escape at t[*p] (just past "\u"), joining a surrogate pair; a lone
// surrogate becomes U+FFFD.
bool ReadEscapedCodePoint(std::string_view t, size_t* p, uint32_t* cp) {
  if (!ReadHex4(t, *p, cp)) return false;
  *p += 4;
  if (*cp >= 0xD800 && *cp <= 0xDBFF && *p + 6 <= t.size() && t[*p] == '\\' && t[*p + 1] == 'u') {
    uint32_t lo;
    if (ReadHex4(t, *p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
      *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
      *p += 6;
    }
  }
  if (*cp >= 0xD800 && *cp <= 0xDFFF) *cp = 0xFFFD;
  return true;
}

const char* SimpleEscape(char e) {
  switch (e) {
    case '"':
      return "\"";
    case '\\':
      return "\\";
    case '/':
      return "/";
    case 'b':
      return "\b";
    case 'f':
      return "\f";
    case 'n':
      return "\n";
    case 'r':
      return "\r";
    case 't':
      return "\t";
    default:
      return nullptr;
  }
}

}  // namespace

// Decodes the string literal at text_[*pos] (a '"') into `out`.
bool Parser::ParseString(size_t* pos, std::string* out) {
  const std::string_view t = text_;
  size_t p = *pos + 1;
  while (p < t.size() && t[p] != '"') {
    const auto c = static_cast<unsigned char>(t[p]);
    if (c < 0x20) return Error(p, "control character in string");
    if (c != '\\') {
      out->push_back(static_cast<char>(c));
      ++p;
      continue;
    }
    if (++p >= t.size()) break;
    const char e = t[p++];
    if (const char* simple = SimpleEscape(e)) {
      out->append(simple);
      continue;
    }
    uint32_t cp;
    if (e != 'u' || !ReadEscapedCodePoint(t, &p, &cp)) return Error(p - 1, "invalid escape");
    AppendUtf8(cp, out);
  }
  if (p >= t.size()) return Error(*pos, "unterminated string");
  *pos = p + 1;
  return true;
}

bool Value::ToInt64(int64_t* out) const {
  if (kind_ != ValueKind::kNumber) return false;
  const char* end = text_.data() + text_.size();
  auto [ptr, ec] = std::from_chars(text_.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

const Value* Value::Find(std::string_view key) const {
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

std::string Value::StringOr(std::string_view key, const std::string& fallback) const {
  const Value* v = Find(key);
  return v && v->kind_ == ValueKind::kString ? v->string_ : fallback;
}

int64_t Value::IntOr(std::string_view key, int64_t fallback) const {
  const Value* v = Find(key);
  int64_t n;
  return v && v->ToInt64(&n) ? n : fallback;
}

bool Parse(std::string_view document, Value* out, std::string* err) {
  *out = Value{};
  return Parser(document).Run(out, err);
}

}  // namespace phpeek::json
