#include "core/config/duration.h"

#include <cctype>
#include <cstdint>

namespace phpeek::config {
namespace {

// About 100 years; keeps every sum and product far from overflow.
constexpr int64_t kMaxMillis = int64_t{100} * 365 * 24 * 3600 * 1000;

// Milliseconds per unit, 0 for an unknown unit.
int64_t UnitMillis(const std::string& unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 3600 * 1000;
  return 0;
}

// Reads digits at *i; the value saturates above kMaxMillis (then reported as too large).
bool ReadNumber(const std::string& text, size_t* i, int64_t* value) {
  const size_t start = *i;
  *value = 0;
  while (*i < text.size() && std::isdigit(static_cast<unsigned char>(text[*i]))) {
    if (*value <= kMaxMillis) *value = *value * 10 + (text[*i] - '0');
    ++*i;
  }
  return *i > start;
}

}  // namespace

bool ParseDuration(const std::string& text, std::chrono::milliseconds* out, std::string* err) {
  if (text.empty()) {
    *err = "empty duration";
    return false;
  }
  if (text[0] == '-') {
    *err = "negative durations are not allowed";
    return false;
  }
  size_t i = 0;
  int64_t total = 0;
  bool has_unit = false;
  while (i < text.size()) {
    int64_t number = 0;
    if (!ReadNumber(text, &i, &number)) {
      *err = "not a duration";
      return false;
    }
    const size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      if (i == text.size() && !has_unit) {  // plain integer: seconds
        total = number > kMaxMillis ? kMaxMillis + 1 : number * 1000;
        break;
      }
      *err = "missing unit after " + std::to_string(number);
      return false;
    }
    const int64_t per = UnitMillis(unit);
    if (per == 0) {
      *err = "unknown unit '" + unit + "'";
      return false;
    }
    has_unit = true;
    if (number > kMaxMillis / per) {  // checked before multiplying: no overflow
      *err = "duration is too large";
      return false;
    }
    total += number * per;
    if (total > kMaxMillis) {
      *err = "duration is too large";
      return false;
    }
  }
  if (total > kMaxMillis) {
    *err = "duration is too large";
    return false;
  }
  *out = std::chrono::milliseconds(total);
  return true;
}

std::string FormatDuration(std::chrono::milliseconds value) {
  int64_t ms = value.count();
  if (ms == 0) return "0s";
  std::string out;
  const int64_t h = ms / 3600000;
  ms %= 3600000;
  const int64_t m = ms / 60000;
  ms %= 60000;
  const int64_t s = ms / 1000;
  ms %= 1000;
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (s > 0) out += std::to_string(s) + "s";
  if (ms > 0) out += std::to_string(ms) + "ms";
  return out;
}

}  // namespace phpeek::config
