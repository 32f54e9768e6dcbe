#include "core/json/json_pointer.h"

#include <cstdint>
#include <vector>

namespace phpeek::json {
namespace {

// Parses one JSON value from text[pos..]; on success advances pos past it. When the value is on the
// pointer's path (depth < tokens.size()) it descends and records the target's span.
class Walker {
 public:
  Walker(std::string_view text, const std::vector<std::string>& tokens)
      : text_(text), tokens_(tokens) {}

  bool Run(Lookup* out) {
    size_t pos = 0;
    SkipSpace(&pos);
    if (!Value(&pos, 0, true)) return Fail(out);
    SkipSpace(&pos);
    if (pos != text_.size()) {
      error_ = "trailing characters at offset " + std::to_string(pos);
      return Fail(out);
    }
    if (!found_) {
      out->status = LookupStatus::kNotFound;
      out->error = miss_;
      return false;
    }
    out->status = LookupStatus::kFound;
    out->value = found_value_;
    out->kind = found_kind_;
    return true;
  }

 private:
  bool Fail(Lookup* out) {
    out->status = LookupStatus::kBadDocument;
    out->error = error_;
    return false;
  }

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

  // `on_path`: every ancestor matched the pointer so far, so this value is at depth `depth`.
  bool Value(size_t* pos, size_t depth, bool on_path) {
    if (depth > 512) return Error(*pos, "nesting too deep");
    const size_t start = *pos;
    if (start >= text_.size()) return Error(start, "unexpected end");
    ValueKind kind;
    bool ok;
    const char c = text_[start];
    if (c == '{') {
      kind = ValueKind::kObject;
      ok = Object(pos, depth, on_path);
    } else if (c == '[') {
      kind = ValueKind::kArray;
      ok = Array(pos, depth, on_path);
    } else if (c == '"') {
      kind = ValueKind::kString;
      ok = String(pos, nullptr);
    } else if (c == 't' || c == 'f' || c == 'n') {
      kind = c == 'n' ? ValueKind::kNull : ValueKind::kBool;
      ok = Literal(pos);
    } else {
      kind = ValueKind::kNumber;
      ok = Number(pos);
    }
    if (ok && on_path && depth == tokens_.size()) {
      found_ = true;
      found_value_ = text_.substr(start, *pos - start);
      found_kind_ = kind;
    } else if (ok && on_path && kind != ValueKind::kObject && kind != ValueKind::kArray) {
      NoteMiss(depth, "is not an object or array");
    }
    return ok;
  }

  void NoteMiss(size_t depth, const std::string& why) {
    if (!miss_.empty()) return;
    std::string prefix;
    for (size_t i = 0; i < depth; ++i) prefix += "/" + tokens_[i];
    miss_ = "'" + (prefix.empty() ? std::string("(root)") : prefix) + "' " + why;
  }

  bool Object(size_t* pos, size_t depth, bool on_path) {
    ++*pos;
    SkipSpace(pos);
    bool matched = false;
    if (*pos < text_.size() && text_[*pos] == '}') {
      ++*pos;
    } else {
      for (;;) {
        SkipSpace(pos);
        std::string key;
        if (*pos >= text_.size() || text_[*pos] != '"') return Error(*pos, "expected member name");
        if (!String(pos, &key)) return false;
        SkipSpace(pos);
        if (*pos >= text_.size() || text_[*pos] != ':') return Error(*pos, "expected ':'");
        ++*pos;
        SkipSpace(pos);
        const bool hit = on_path && depth < tokens_.size() && key == tokens_[depth];
        matched = matched || hit;
        if (!Value(pos, depth + 1, hit)) return false;
        SkipSpace(pos);
        if (*pos < text_.size() && text_[*pos] == ',') {
          ++*pos;
          continue;
        }
        if (*pos < text_.size() && text_[*pos] == '}') {
          ++*pos;
          break;
        }
        return Error(*pos, "expected ',' or '}'");
      }
    }
    if (on_path && depth < tokens_.size() && !matched) NoteMiss(depth + 1, "does not exist");
    return true;
  }

  bool Array(size_t* pos, size_t depth, bool on_path) {
    ++*pos;
    SkipSpace(pos);
    long want = -1;
    if (on_path && depth < tokens_.size()) want = ArrayIndex(tokens_[depth]);
    long index = 0;
    if (*pos < text_.size() && text_[*pos] == ']') {
      ++*pos;
    } else {
      for (;; ++index) {
        SkipSpace(pos);
        if (!Value(pos, depth + 1, want == index)) return false;
        SkipSpace(pos);
        if (*pos < text_.size() && text_[*pos] == ',') {
          ++*pos;
          continue;
        }
        if (*pos < text_.size() && text_[*pos] == ']') {
          ++*pos;
          ++index;
          break;
        }
        return Error(*pos, "expected ',' or ']'");
      }
    }
    if (on_path && depth < tokens_.size() && (want < 0 || want >= index)) {
      NoteMiss(depth + 1, want < 0 ? "is not an array index" : "is past the end of the array");
    }
    return true;
  }

  // "0" or a digit string without leading zero; -1 otherwise (including "-", the append marker).
  static long ArrayIndex(const std::string& token) {
    if (token.empty() || token.size() > 9) return -1;
    if (token.size() > 1 && token[0] == '0') return -1;
    long v = 0;
    for (char c : token) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  bool Literal(size_t* pos) {
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(*pos, word.size()) == word) {
        *pos += word.size();
        return true;
      }
    }
    return Error(*pos, "invalid literal");
  }

  bool Number(size_t* pos) {
    size_t p = *pos;
    auto digits = [&] {
      const size_t s = p;
      while (p < text_.size() && text_[p] >= '0' && text_[p] <= '9') ++p;
      return p > s;
    };
    if (p < text_.size() && text_[p] == '-') ++p;
    if (p < text_.size() && text_[p] == '0') {
      ++p;
    } else if (!digits()) {
      return Error(*pos, "invalid value");
    }
    if (p < text_.size() && text_[p] == '.') {
      ++p;
      if (!digits()) return Error(p, "invalid number");
    }
    if (p < text_.size() && (text_[p] == 'e' || text_[p] == 'E')) {
      ++p;
      if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
      if (!digits()) return Error(p, "invalid number");
    }
    *pos = p;
    return true;
  }

  bool String(size_t* pos, std::string* out);

  std::string_view text_;
  const std::vector<std::string>& tokens_;
  std::string error_;
  std::string miss_;
  bool found_ = false;
  std::string_view found_value_;
  ValueKind found_kind_ = ValueKind::kNull;
};

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

// Decodes the string literal at t[*pos] (a '"'); `out` may be NULL (validate only).
bool ParseString(std::string_view t, size_t* pos, std::string* out) {
  size_t p = *pos + 1;
  while (p < t.size() && t[p] != '"') {
    const auto c = static_cast<unsigned char>(t[p]);
    if (c < 0x20) return false;
    if (c != '\\') {
      if (out) out->push_back(static_cast<char>(c));
      ++p;
      continue;
    }
    if (++p >= t.size()) return false;
    const char e = t[p++];
    const char* simple = nullptr;
    switch (e) {
      case '"': simple = "\""; break;
      case '\\': simple = "\\"; break;
      case '/': simple = "/"; break;
      case 'b': simple = "\b"; break;
      case 'f': simple = "\f"; break;
      case 'n': simple = "\n"; break;
      case 'r': simple = "\r"; break;
      case 't': simple = "\t"; break;
      case 'u': break;
      default: return false;
    }
    if (simple) {
      if (out) out->append(simple);
      continue;
    }
    uint32_t cp;
    if (!ReadHex4(t, p, &cp)) return false;
    p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF && p + 6 <= t.size() && t[p] == '\\' && t[p + 1] == 'u') {
      uint32_t lo;
      if (ReadHex4(t, p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
    if (out) AppendUtf8(cp, out);
  }
  if (p >= t.size()) return false;
  *pos = p + 1;
  return true;
}

bool Walker::String(size_t* pos, std::string* out) {
  if (!ParseString(text_, pos, out)) return Error(*pos, "invalid string");
  return true;
}

// Splits "/a/b~1c" into {"a", "b/c"}. False when the pointer is malformed.
bool SplitPointer(std::string_view pointer, std::vector<std::string>* tokens, std::string* err) {
  if (pointer.empty()) return true;
  if (pointer[0] != '/') {
    *err = "a JSON Pointer is empty or starts with '/'";
    return false;
  }
  std::string cur;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens->push_back(cur);
      cur.clear();
    } else if (pointer[i] == '~') {
      const char n = i + 1 < pointer.size() ? pointer[i + 1] : '\0';
      if (n != '0' && n != '1') {
        *err = "'~' must be followed by 0 or 1 in a JSON Pointer";
        return false;
      }
      cur.push_back(n == '0' ? '~' : '/');
      ++i;
    } else {
      cur.push_back(pointer[i]);
    }
  }
  return true;
}

}  // namespace

Lookup FindPointer(std::string_view document, std::string_view pointer) {
  Lookup out;
  std::vector<std::string> tokens;
  if (!SplitPointer(pointer, &tokens, &out.error)) {
    out.status = LookupStatus::kBadPointer;
    return out;
  }
  Walker(document, tokens).Run(&out);
  return out;
}

bool DecodeString(std::string_view literal, std::string* out) {
  size_t pos = 0;
  out->clear();
  if (literal.empty() || literal[0] != '"') return false;
  return ParseString(literal, &pos, out) && pos == literal.size();
}

bool ScalarText(const Lookup& found, std::string* out) {
  switch (found.kind) {
    case ValueKind::kObject:
    case ValueKind::kArray: return false;
    case ValueKind::kString: return DecodeString(found.value, out);
    case ValueKind::kNull: out->clear(); return true;
    default: out->assign(found.value); return true;
  }
}

}  // namespace phpeek::json
