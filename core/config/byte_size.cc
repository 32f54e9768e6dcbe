#include "core/config/byte_size.h"

#include <cctype>

namespace phpeek::config {

bool ParseByteSize(const std::string& text, int64_t* out, std::string* err) {
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + (text[i] - '0');
    if (value > (int64_t{1} << 40)) {
      *err = "size is too large";
      return false;
    }
    ++i;
  }
  if (i == 0) {
    *err = text.rfind('-', 0) == 0 ? "negative sizes are not allowed" : "not a byte size";
    return false;
  }
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int64_t factor = 0;
  if (unit.empty() || unit == "B") factor = 1;
  if (unit == "K" || unit == "KB" || unit == "KIB") factor = 1024;
  if (unit == "M" || unit == "MB" || unit == "MIB") factor = 1024 * 1024;
  if (factor == 0) {
    *err = "unknown size unit '" + text.substr(i) + "' (use bytes, KiB or MiB)";
    return false;
  }
  *out = value * factor;
  return true;
}

std::string FormatByteSize(int64_t bytes) {
  constexpr int64_t kKiB = 1024;
  if (bytes != 0 && bytes % (kKiB * kKiB) == 0) return std::to_string(bytes / kKiB / kKiB) + "MiB";
  if (bytes != 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + "KiB";
  return std::to_string(bytes);
}

}  // namespace phpeek::config
