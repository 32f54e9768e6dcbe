// A small streaming JSON writer for the core (status snapshots, diagnostics, log lines). Reading
// JSON is the SDK's reader, phpeek/json.hpp (json_pointer.h walks it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phpeek::json {

// Appends `s` to `out` as a JSON string literal, quotes included. Invalid UTF-8 bytes become
// U+FFFD so that the output is always valid JSON; control characters (C0, DEL and C1) are escaped
// so that none reaches a terminal raw.
void AppendQuoted(std::string* out, std::string_view s);
std::string Quote(std::string_view s);

class Writer {
 public:
  Writer& BeginObject();
  Writer& EndObject();
  Writer& BeginArray();
  Writer& EndArray();
  Writer& Key(std::string_view key);
  Writer& String(std::string_view value);
  Writer& Int(int64_t value);
  // The shortest text that reads back as `value`; null for NaN and infinities.
  Writer& Double(double value);
  Writer& Bool(bool value);
  Writer& Null();
  // Inserts already-serialized JSON as a value.
  Writer& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace phpeek::json
