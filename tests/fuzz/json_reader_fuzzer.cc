// Both JSON readers on the same text: the SDK's (phpeek/json.hpp: the daemon's only one, through
// core/json/json_pointer.h, and the plugins') and the rest-api plugin's own (plugins/rest-api/
// json_value.h, until the plugin moves to the SDK's), plus the writers' string quoting.
//
// Properties: both return; a refusal says "invalid JSON at byte N: ..." with N within the text;
// the SDK's reader is the stricter one (it also checks UTF-8), so what it accepts the plugin's
// accepts, with the same tree (kinds, strings, integers, member order); every value the SDK parsed
// re-parses from its own text() to the same kind, and the JSON Pointer of each member finds it;
// any valid UTF-8 quoted by either writer reads back unchanged, and the core's Quote of any bytes
// is valid JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json/json_pointer.h"
#include "core/json/json_writer.h"
#include "core/text/utf8.h"
#include "phpeek/json.hpp"
#include "plugins/rest-api/json_value.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace json = phpeek::json;
namespace rest = phpeek::rest;

// Re-parses each value from its own span of the document; also touches the accessors. The JSON
// Pointer check is for the first elements and members of each container only (a lookup is linear
// in the members before it).
void CheckSpans(const json::Value& v, const std::string& pointer, const json::Value& root,
                bool resolve = true) {
  json::Document again;
  std::string err;
  FUZZ_CHECK(again.Parse(v.text(), &err), err + " in " + std::string(v.text()));
  FUZZ_CHECK(again.root().kind() == v.kind(), std::string(v.text()));
  json::Value found;
  if (resolve) {
    FUZZ_CHECK(json::Resolve(root, pointer, &found, &err) == json::LookupStatus::kFound,
               err + " for " + pointer);
    FUZZ_CHECK(found.offset() == v.offset(), pointer);
  }
  (void)v.AsInt64();
  (void)v.AsDouble();
  size_t index = 0;
  for (const json::Value item : v.items()) {
    const bool first = resolve && index < 16;
    CheckSpans(item, pointer + "/" + std::to_string(index++), root, first);
  }
  index = 0;
  for (const json::Member m : v.members()) {
    const bool first = resolve && index++ < 16;
    if (first) FUZZ_CHECK(v[m.key].offset() == m.value.offset(), std::string(m.key));
    std::string token;  // RFC 6901 escaping of the member name
    for (const char c : m.key) token += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    CheckSpans(m.value, pointer + "/" + token, root, first);
  }
}

// The SDK's tree and the plugin's are the same.
void CheckSame(const json::Value& v, const rest::JsonValue& r) {
  const std::string at(v.text().substr(0, 80));
  switch (r.kind) {
    case rest::JsonValue::Kind::kNull:
      FUZZ_CHECK(v.is_null(), at);
      return;
    case rest::JsonValue::Kind::kBool:
      FUZZ_CHECK(v.AsBool().value == r.boolean, at);
      return;
    case rest::JsonValue::Kind::kInteger:
      FUZZ_CHECK(v.AsInt64().value == r.integer, at);
      return;
    case rest::JsonValue::Kind::kNumber: {
      const json::Read<int64_t> i = v.AsInt64();
      FUZZ_CHECK(v.is_number() && !i.ok(), at);
      const json::Read<double> d = v.AsDouble();
      FUZZ_CHECK(!d.ok() || d.value == r.number, at);
      return;
    }
    case rest::JsonValue::Kind::kString:
      FUZZ_CHECK(v.AsString().value == r.string, at);
      return;
    case rest::JsonValue::Kind::kArray: {
      FUZZ_CHECK(v.is_array() && v.size() == r.array.size(), at);
      size_t i = 0;
      for (const json::Value item : v.items()) CheckSame(item, r.array[i++]);
      return;
    }
    case rest::JsonValue::Kind::kObject: {
      FUZZ_CHECK(v.is_object() && v.size() == r.object.size(), at);
      size_t i = 0;
      for (const json::Member m : v.members()) {
        FUZZ_CHECK(m.key == r.object[i].first, at);
        CheckSame(m.value, r.object[i++].second);
      }
      return;
    }
  }
}

bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = phpeek::text::Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void CheckQuoting(std::string_view bytes) {
  std::string quoted;
  rest::AppendJsonString(&quoted, bytes);
  rest::JsonValue rest_value;
  std::string err;
  FUZZ_CHECK(rest::ParseJson(quoted, &rest_value, &err), err + " in " + quoted);
  FUZZ_CHECK(rest_value.string == bytes, quoted);
  json::Document doc;
  const std::string core_quoted = json::Quote(bytes);
  FUZZ_CHECK(doc.Parse(core_quoted, &err), err + " in " + core_quoted);  // always valid JSON
  if (IsUtf8(bytes)) {
    FUZZ_CHECK(doc.root().AsString().value == bytes, core_quoted);
    FUZZ_CHECK(doc.Parse(quoted, &err), err + " in " + quoted);
    FUZZ_CHECK(doc.root().AsString().value == bytes, quoted);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  json::Document doc;
  std::string err;
  const bool ok = doc.Parse(text, &err);
  if (ok) {
    FUZZ_CHECK(err.empty(), err);
    CheckSpans(doc.root(), "", doc.root());
  } else {
    const std::string prefix = "invalid JSON at byte ";
    FUZZ_CHECK(err.rfind(prefix, 0) == 0, err);
    FUZZ_CHECK(std::stoull(err.substr(prefix.size())) <= size, err);
    FUZZ_CHECK(doc.root().missing(), err);
  }

  rest::JsonValue rest_value;
  std::string rest_err;
  const bool rest_ok = rest::ParseJson(text, &rest_value, &rest_err);
  FUZZ_CHECK(rest_ok || !rest_err.empty(), "refused without a reason");
  FUZZ_CHECK(!ok || rest_ok, "only the SDK's reader accepts it; plugin: " + rest_err);
  if (ok) CheckSame(doc.root(), rest_value);

  CheckQuoting(text);
  return 0;
}
