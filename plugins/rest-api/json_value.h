// A strict JSON reader (RFC 8259) for request bodies and the host's snapshots, plus string
// quoting for the responses. Strict on purpose: API clients get a 400 that names the byte offset
// of a syntax error, a duplicate key, or trailing data, where a lenient parser would guess.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::rest {

struct JsonValue {
  enum class Kind { kNull, kBool, kInteger, kNumber, kString, kArray, kObject };

  // Defaulted in the .cc: clang with libstdc++ cannot define it implicitly here, where
  // pair<std::string, JsonValue> in `object` still has an incomplete type.
  JsonValue();

  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;  // kInteger: a number without fraction or exponent that fits int64
  double number = 0;    // kNumber: anything else numeric
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;  // in document order, keys unique

  // Member lookup; nullptr when absent or when this is not an object.
  const JsonValue* Find(std::string_view key) const;
};

// "null", "boolean", "integer", "number", "string", "array", "object".
const char* KindName(JsonValue::Kind kind);

// Parses exactly one JSON value (surrounding whitespace allowed). On failure returns false and
// sets `err` to a message such as "invalid JSON at byte 7: expected ':' after an object key".
bool ParseJson(std::string_view text, JsonValue* out, std::string* err);

// Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace phpeek::rest
