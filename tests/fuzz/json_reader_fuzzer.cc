// The repository's one JSON reader, the SDK's phpeek/json.hpp (the daemon reads JSON with it
// through core/json/json_pointer.h, the plugins directly), plus the JSON writers' string quoting
// (core/json/json_writer.h, plugins/rest-api/json_string.h).
//
// Properties: it returns; a refusal says "invalid JSON at byte N: ..." with N within the text, in
// at most 256 printable ASCII characters whatever the input; an accepted text has unique member
// names, every value re-parses from its own text() to the same kind, the JSON Pointer of each
// member finds it, and the tree written back by the core's Writer reads as the same tree (kinds,
// strings, numbers, member order); any valid UTF-8 quoted by either writer reads back unchanged,
// and the core's Quote of any bytes is valid JSON.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/json/json_pointer.h"
#include "core/json/json_writer.h"
#include "core/text/utf8.h"
#include "phpeek/json.hpp"
#include "plugins/common/http/json_string.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace json = phpeek::json;
namespace http = phpeek::http;

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

// Writes `v` back with the core's Writer (numbers as written).
void Rewrite(const json::Value& v, json::Writer* w) {
  switch (v.kind()) {
    case json::Kind::kNull:
      w->Null();
      return;
    case json::Kind::kBool:
      w->Bool(v.AsBool().value);
      return;
    case json::Kind::kNumber:
      w->Raw(v.text());
      return;
    case json::Kind::kString:
      w->String(v.AsString().value);
      return;
    case json::Kind::kArray:
      w->BeginArray();
      for (const json::Value item : v.items()) Rewrite(item, w);
      w->EndArray();
      return;
    case json::Kind::kObject:
      w->BeginObject();
      for (const json::Member m : v.members()) {
        w->Key(m.key);
        Rewrite(m.value, w);
      }
      w->EndObject();
      return;
  }
}

// Two trees are the same: kinds, decoded strings, numbers' text, member names and order. Member
// names are unique (what the reader's duplicate check promises).
void CheckSame(const json::Value& a, const json::Value& b) {
  const std::string at(a.text().substr(0, 80));
  FUZZ_CHECK(a.kind() == b.kind(), at);
  switch (a.kind()) {
    case json::Kind::kNull:
      return;
    case json::Kind::kBool:
      FUZZ_CHECK(a.AsBool().value == b.AsBool().value, at);
      return;
    case json::Kind::kNumber:
      FUZZ_CHECK(a.text() == b.text(), at);
      return;
    case json::Kind::kString:
      FUZZ_CHECK(a.AsString().value == b.AsString().value, at);
      return;
    case json::Kind::kArray: {
      FUZZ_CHECK(a.size() == b.size(), at);
      auto it = b.items().begin();
      for (const json::Value item : a.items()) CheckSame(item, *it++);
      return;
    }
    case json::Kind::kObject: {
      FUZZ_CHECK(a.size() == b.size(), at);
      std::set<std::string_view> names;
      auto it = b.members().begin();
      for (const json::Member m : a.members()) {
        FUZZ_CHECK(names.insert(m.key).second, "duplicate member accepted: " + std::string(m.key));
        const json::Member other = *it++;
        FUZZ_CHECK(m.key == other.key, at);
        CheckSame(m.value, other.value);
      }
      return;
    }
  }
}

bool IsPrintableAscii(std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
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
  http::AppendJsonString(&quoted, bytes);
  std::string err;
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
    json::Writer w;
    Rewrite(doc.root(), &w);
    json::Document again;
    FUZZ_CHECK(again.Parse(w.str(), &err), err + " in " + w.str());
    CheckSame(doc.root(), again.root());
  } else {
    const std::string prefix = "invalid JSON at byte ";
    FUZZ_CHECK(err.rfind(prefix, 0) == 0, err);
    FUZZ_CHECK(std::stoull(err.substr(prefix.size())) <= size, err);
    // Messages are echoed to API clients and terminals: printable and bounded whatever the input.
    FUZZ_CHECK(IsPrintableAscii(err) && err.size() <= 256, err);
    FUZZ_CHECK(doc.root().missing(), err);
  }

  CheckQuoting(text);
  return 0;
}
