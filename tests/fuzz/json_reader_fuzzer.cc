// Both JSON readers on the same text: the core's (core/json/json_value.h: the `global:` block, the
// API client's answers) and the rest-api plugin's (plugins/rest-api/json_value.h: request bodies,
// the host's snapshots), plus the writers' string quoting.
//
// Properties: both return; the plugin's reader is the stricter one (duplicate keys, lone
// surrogates, nesting beyond 64 are refused), so what it accepts the core accepts; every value the
// core parsed re-parses from its own text() to the same kind; any bytes quoted by the plugin's
// AppendJsonString read back unchanged with both readers, and valid UTF-8 quoted by the core's
// Quote reads back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json/json_value.h"
#include "core/json/json_writer.h"
#include "core/text/utf8.h"
#include "plugins/rest-api/json_value.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace core_json = phpeek::json;
namespace rest = phpeek::rest;

// Re-parses each value from its own span of the document; also touches the accessors.
void CheckSpans(const core_json::Value& v) {
  core_json::Value again;
  std::string err;
  FUZZ_CHECK(core_json::Parse(v.text(), &again, &err), err + " in " + std::string(v.text()));
  FUZZ_CHECK(again.kind() == v.kind(), std::string(v.text()));
  int64_t n = 0;
  (void)v.ToInt64(&n);
  for (const core_json::Value& item : v.items()) CheckSpans(item);
  for (const core_json::Value::Member& m : v.members()) {
    FUZZ_CHECK(v.Find(m.first) != nullptr, m.first);
    (void)v.IntOr(m.first, 0);
    (void)v.StringOr(m.first, "");
    CheckSpans(m.second);
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
  core_json::Value core_value;
  std::string err;
  FUZZ_CHECK(rest::ParseJson(quoted, &rest_value, &err), err + " in " + quoted);
  FUZZ_CHECK(rest_value.string == bytes, quoted);
  FUZZ_CHECK(core_json::Parse(quoted, &core_value, &err), err + " in " + quoted);
  FUZZ_CHECK(core_value.string() == bytes, quoted);
  if (IsUtf8(bytes)) {
    const std::string core_quoted = core_json::Quote(bytes);
    FUZZ_CHECK(core_json::Parse(core_quoted, &core_value, &err), err + " in " + core_quoted);
    FUZZ_CHECK(core_value.string() == bytes, core_quoted);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  core_json::Value core_value;
  std::string core_err;
  const bool core_ok = core_json::Parse(text, &core_value, &core_err);
  FUZZ_CHECK(core_ok == core_err.empty(), core_err);
  if (core_ok) CheckSpans(core_value);

  rest::JsonValue rest_value;
  std::string rest_err;
  const bool rest_ok = rest::ParseJson(text, &rest_value, &rest_err);
  FUZZ_CHECK(rest_ok || !rest_err.empty(), "refused without a reason");
  FUZZ_CHECK(!rest_ok || core_ok, "only the plugin's reader accepts it; core: " + core_err);

  CheckQuoting(text);
  return 0;
}
