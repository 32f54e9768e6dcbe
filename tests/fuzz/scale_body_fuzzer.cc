// The body of POST /api/v1/processes/{name}/scale: ParseScaleRequest, then ResolveScale against a
// few current counts and limits, as Api::Scale does.
//
// Properties: a refused body says why, and the 400 answer carrying that reason is JSON; an accepted
// body names an integer (absolute or delta); a resolved target is the requested count (or current +
// delta) and lies within 0..max_scale; a refused one says why.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "plugins/rest-api/handlers.h"
#include "plugins/rest-api/json_value.h"
#include "plugins/rest-api/scale_request.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

struct Limits {
  int current;
  int max_scale;
};

constexpr Limits kLimits[] = {{0, 0}, {2, 10}, {100, 100}, {0, INT_MAX}, {INT_MAX, INT_MAX}};

void CheckErrorBody(const std::string& reason) {
  const phpeek::rest::HttpResponse r = phpeek::rest::ErrorResponse(400, reason);
  phpeek::rest::JsonValue json;
  std::string err;
  FUZZ_CHECK(phpeek::rest::ParseJson(r.body, &json, &err), err + " in " + r.body);
  const phpeek::rest::JsonValue* error = json.Find("error");
  FUZZ_CHECK(error != nullptr && error->string == reason, r.body);
}

void CheckResolve(const phpeek::rest::ScaleRequest& request, Limits limits) {
  int target = -1;
  std::string err;
  const std::string what = std::to_string(request.value) + (request.relative ? " delta" : "") +
                           " current " + std::to_string(limits.current) + " max " +
                           std::to_string(limits.max_scale);
  if (!phpeek::rest::ResolveScale(request, limits.current, limits.max_scale, &target, &err)) {
    FUZZ_CHECK(!err.empty(), what);
    return;
  }
  FUZZ_CHECK(target >= 0 && target <= limits.max_scale, what);
  const int64_t wanted = request.relative ? limits.current + request.value : request.value;
  FUZZ_CHECK(target == wanted, what + " -> " + std::to_string(target));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  phpeek::rest::ScaleRequest request;
  std::string err;
  if (!phpeek::rest::ParseScaleRequest(body, &request, &err)) {
    FUZZ_CHECK(!err.empty(), "refused without a reason");
    CheckErrorBody(err);
    return 0;
  }
  phpeek::rest::JsonValue json;
  FUZZ_CHECK(phpeek::rest::ParseJson(body, &json, &err), "accepted invalid JSON: " + err);
  for (const Limits limits : kLimits) CheckResolve(request, limits);
  return 0;
}
