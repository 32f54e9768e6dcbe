#include "plugins/rest-api/scale_request.h"

#include <algorithm>

#include "plugins/rest-api/client_text.h"
#include "plugins/rest-api/json_value.h"

namespace phpeek::rest {
namespace {

constexpr const char* kExample = "a JSON object such as {\"scale\": 3}";

bool IsScaleField(std::string_view key) {
  return key == "scale" || key == "desired" || key == "delta";
}

}  // namespace

bool ParseScaleRequest(std::string_view body, ScaleRequest* out, std::string* err) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    *err = std::string("request body is empty: expected ") + kExample;
    return false;
  }
  JsonValue doc;
  if (!ParseJson(body, &doc, err)) return false;
  if (doc.kind != JsonValue::Kind::kObject) {
    *err = std::string("request body is a JSON ") + KindName(doc.kind) + ", expected " + kExample;
    return false;
  }
  const std::pair<std::string, JsonValue>* field = nullptr;
  for (const auto& member : doc.object) {
    if (!IsScaleField(member.first)) {
      *err = "unknown field \"" + Printable(member.first) +
             "\": expected exactly one of \"scale\", \"desired\" or \"delta\"";
      return false;
    }
    if (field != nullptr) {
      *err = "fields \"" + field->first + "\" and \"" + member.first +
             "\" given together: send exactly one of \"scale\", \"desired\" or \"delta\"";
      return false;
    }
    field = &member;
  }
  if (field == nullptr) {
    *err = std::string("missing field \"scale\": expected ") + kExample;
    return false;
  }
  if (field->second.kind != JsonValue::Kind::kInteger) {
    *err = "field \"" + field->first + "\" must be an integer, got a " +
           (field->second.kind == JsonValue::Kind::kNumber ? std::string("non-integer number")
                                                           : KindName(field->second.kind));
    return false;
  }
  out->relative = field->first == "delta";
  out->value = field->second.integer;
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

}  // namespace phpeek::rest
