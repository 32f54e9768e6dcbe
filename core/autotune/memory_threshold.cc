#include "core/autotune/memory_threshold.h"

#include <charconv>
#include <cstdio>

namespace phpeek::autotune {

bool ParseMemoryThreshold(std::string_view text, double* out, std::string* error) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  // Written this way round so that NaN fails too.
  if (text.empty() || ec != std::errc() || ptr != end ||
      !(value >= 0 && value <= kMaxMemoryThreshold)) {
    *error =
        "must be a number from 0 to 2, the share of the memory limit to plan for (e.g. 0.8; 0 "
        "keeps the profile's figure), not '" +
        std::string(text) + "'";
    return false;
  }
  *out = value;
  return true;
}

std::string PercentText(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", share * 100);
  return buf;
}

}  // namespace phpeek::autotune
