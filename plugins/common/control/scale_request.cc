#include "plugins/common/control/scale_request.h"

#include <algorithm>
#include <optional>

#include "phpeek/json.hpp"
#include "plugins/common/http/client_text.h"

namespace phpeek::control {
namespace {

constexpr const char* kScaleExample = "a JSON object such as {\"scale\": 3}";

bool IsScaleField(std::string_view key) {
  return key == "scale" || key == "desired" || key == "delta";
}

// "a string", "an array", ...
std::string WithArticle(json::Kind kind) {
  const bool vowel = kind == json::Kind::kArray || kind == json::Kind::kObject;
  return std::string(vowel ? "an " : "a ") + json::KindName(kind);
}

// What a value that AsInt64 refused is: "a string", "a non-integer number", ...
std::string IntegerMismatch(const json::Value& v, json::Found found) {
  if (found == json::Found::kOutOfRange) return "a number beyond the 64-bit range";
  if (v.is_number()) return "a non-integer number";
  return WithArticle(v.kind());
}

}  // namespace

bool ParseScaleRequest(std::string_view body, ScaleRequest* out, std::string* err) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    *err = std::string("request body is empty: expected ") + kScaleExample;
    return false;
  }
  json::Document doc;
  if (!doc.Parse(body, err)) return false;
  if (!doc.root().is_object()) {
    *err = std::string("request body is a JSON ") + json::KindName(doc.root().kind()) +
           ", expected " + kScaleExample;
    return false;
  }
  std::optional<json::Member> field;
  for (const json::Member member : doc.root().members()) {
    if (!IsScaleField(member.key)) {
      *err = "unknown field \"" + http::Printable(member.key) +
             "\": expected exactly one of \"scale\", \"desired\" or \"delta\"";
      return false;
    }
    if (field) {
      *err = "fields \"" + std::string(field->key) + "\" and \"" + std::string(member.key) +
             "\" given together: send exactly one of \"scale\", \"desired\" or \"delta\"";
      return false;
    }
    field = member;
  }
  if (!field) {
    *err = std::string("missing field \"scale\": expected ") + kScaleExample;
    return false;
  }
  const json::Read<int64_t> value = field->value.AsInt64();
  if (!value.ok()) {
    *err = "field \"" + std::string(field->key) + "\" must be an integer, got " +
           IntegerMismatch(field->value, value.found);
    return false;
  }
  out->relative = field->key == "delta";
  out->value = value.value;
  return true;
}

bool ResolveScale(const ScaleRequest& request, int current, int max_process_scale, int* target,
                  std::string* err) {
  // Clamped first so that current + delta cannot overflow.
  const int64_t bound = int64_t{1} << 40;
  const int64_t value = std::clamp(request.value, -bound, bound);
  const int64_t wanted = request.relative ? current + value : value;
  if (wanted >= 0 && wanted <= max_process_scale) {
    *target = static_cast<int>(wanted);
    return true;
  }
  *err = "scale " + std::to_string(request.relative ? wanted : request.value) +
         (wanted < 0 ? " is negative"
                     : " exceeds max_process_scale " + std::to_string(max_process_scale));
  if (request.relative) {
    *err +=
        " (current " + std::to_string(current) + ", delta " + std::to_string(request.value) + ")";
  }
  return false;
}

}  // namespace phpeek::control
