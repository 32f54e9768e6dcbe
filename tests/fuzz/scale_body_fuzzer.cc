// The body of POST /api/v1/processes/{name}/scale: ParseScaleRequest, then ResolveScale against a
// few current counts and limits, as Api::Scale does.
//
// Properties: a refused body or count says why, in at most 256 printable ASCII characters (client
// text is echoed bounded and printable only); an accepted body is JSON; a resolved target is the
// requested count (or current + delta) and lies within 0..max_scale.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "phpeek/json.hpp"
#include "plugins/common/control/scale_request.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

struct Limits {
  int current;
  int max_scale;
};

constexpr Limits kLimits[] = {{0, 0}, {2, 10}, {100, 100}, {0, INT_MAX}, {INT_MAX, INT_MAX}};

constexpr size_t kMaxReason = 256;

bool IsPrintableAscii(std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// What scale_request.cc promises for client text in its messages: bounded and printable ASCII,
// so that the 400 answer stays short and valid JSON whatever was sent.
void CheckReason(const std::string& reason) {
  FUZZ_CHECK(!reason.empty(), "refused without a reason");
  FUZZ_CHECK(reason.size() <= kMaxReason, reason.substr(0, kMaxReason) + "...");
  FUZZ_CHECK(IsPrintableAscii(reason), reason);
}

void CheckResolve(const phpeek::control::ScaleRequest& request, Limits limits) {
  int target = -1;
  std::string err;
  const std::string what = std::to_string(request.value) + (request.relative ? " delta" : "") +
                           " current " + std::to_string(limits.current) + " max " +
                           std::to_string(limits.max_scale);
  if (!phpeek::control::ResolveScale(request, limits.current, limits.max_scale, &target, &err)) {
    CheckReason(err);
    return;
  }
  FUZZ_CHECK(target >= 0 && target <= limits.max_scale, what);
  const int64_t wanted = request.relative ? limits.current + request.value : request.value;
  FUZZ_CHECK(target == wanted, what + " -> " + std::to_string(target));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  phpeek::control::ScaleRequest request;
  std::string err;
  if (!phpeek::control::ParseScaleRequest(body, &request, &err)) {
    CheckReason(err);
    return 0;
  }
  phpeek::json::Document json;
  FUZZ_CHECK(json.Parse(body, &err), "accepted invalid JSON: " + err);
  for (const Limits limits : kLimits) CheckResolve(request, limits);
  return 0;
}
