// Durations and byte sizes as a phpeek-pm configuration spells them, for plugin keys that arrive
// as strings (header-only C++17, no dependencies). Same grammar as the daemon's own keys:
//   duration: an integer number of seconds ("30") or number+unit parts ("500ms", "5s", "1m30s",
//             "1h"); units ms, s, m, h; not negative; at most about 100 years.
//   size:     an integer number of bytes ("65536") or a number with a binary unit: B, K/KB/KiB,
//             M/MB/MiB (case-insensitive; all multiples of 1024); not negative; at most 1 TiB
//             before the unit.
// plugin.hpp's Host::configDuration and Host::configBytes use these for string values.
#ifndef PHPEEK_UNITS_HPP
#define PHPEEK_UNITS_HPP

#if !defined(__cplusplus) || __cplusplus < 201703L
#error "phpeek/units.hpp needs C++17 or later (phpeek_add_plugin requires it for C++ plugins)"
#endif

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace phpeek {
namespace v1 {

// Parses `text` into milliseconds. On failure returns false and sets `*err` (when non-null) to a
// short reason ("unknown unit 'd'", "negative durations are not allowed", ...).
inline bool ParseDuration(std::string_view text, std::chrono::milliseconds* out, std::string* err) {
  constexpr int64_t kMaxMillis =
      int64_t{100} * 365 * 24 * 3600 * 1000;  // keeps sums far from overflow
  auto fail = [&](std::string why) {
    if (err != nullptr) *err = std::move(why);
    return false;
  };
  if (text.empty()) return fail("empty duration");
  if (text[0] == '-') return fail("negative durations are not allowed");
  size_t i = 0;
  int64_t total = 0;
  bool has_unit = false;
  while (i < text.size()) {
    const size_t digits = i;
    int64_t number = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (number <= kMaxMillis) number = number * 10 + (text[i] - '0');  // saturates
    }
    if (i == digits) return fail("not a duration");
    const size_t unit_start = i;
    while (i < text.size() &&
           ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'))) {
      ++i;
    }
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      if (i == text.size() && !has_unit) {  // a plain integer: seconds
        if (number > kMaxMillis / 1000) return fail("duration is too large");
        total = number * 1000;
        break;
      }
      return fail("missing unit after " + std::to_string(number));
    }
    const int64_t per = unit == "ms"  ? 1
                        : unit == "s" ? 1000
                        : unit == "m" ? 60000
                        : unit == "h" ? 3600000
                                      : 0;
    if (per == 0) return fail("unknown unit '" + std::string(unit) + "' (use ms, s, m or h)");
    has_unit = true;
    if (number > kMaxMillis / per) return fail("duration is too large");
    total += number * per;
    if (total > kMaxMillis) return fail("duration is too large");
  }
  *out = std::chrono::milliseconds(total);
  return true;
}

// Parses `text` into bytes. On failure returns false and sets `*err` (when non-null).
inline bool ParseByteSize(std::string_view text, int64_t* out, std::string* err) {
  auto fail = [&](std::string why) {
    if (err != nullptr) *err = std::move(why);
    return false;
  };
  size_t i = 0;
  int64_t value = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = value * 10 + (text[i] - '0');
    if (value > (int64_t{1} << 40)) return fail("size is too large");
  }
  if (i == 0) {
    return fail(!text.empty() && text[0] == '-' ? "negative sizes are not allowed"
                                                : "not a byte size");
  }
  std::string unit(text.substr(i));
  for (char& c : unit) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  int64_t factor = 0;
  if (unit.empty() || unit == "B") factor = 1;
  if (unit == "K" || unit == "KB" || unit == "KIB") factor = 1024;
  if (unit == "M" || unit == "MB" || unit == "MIB") factor = 1024 * 1024;
  if (factor == 0) {
    return fail("unknown size unit '" + std::string(text.substr(i)) + "' (use bytes, KiB or MiB)");
  }
  *out = value * factor;
  return true;
}

}  // namespace v1
}  // namespace phpeek

#endif  // PHPEEK_UNITS_HPP
