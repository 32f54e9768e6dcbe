// The body of POST /api/v1/processes/{name}/scale. The spec's form is {"scale": N}; for clients
// of the original Go PHPeek PM, {"desired": N} (same meaning) and {"delta": N} (relative to the
// current desired count) are accepted too. Exactly one field, an integer, nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace phpeek::control {

struct ScaleRequest {
  bool relative = false;  // true for "delta"
  int64_t value = 0;
};

// Returns false with a message that says what is wrong with the body.
bool ParseScaleRequest(std::string_view body, ScaleRequest* out, std::string* err);

// Applies the request to the current count and checks 0..max_process_scale (the API's own bound;
// the host checks the process's max_scale). Returns false with a message that names the bound.
bool ResolveScale(const ScaleRequest& request, int current, int max_process_scale, int* target,
                  std::string* err);

}  // namespace phpeek::control
