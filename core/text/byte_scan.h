// Eight bytes at a time: tests on a 64-bit word that say whether any of its bytes is a given
// byte, below a bound or 0x80 and up (exact as a yes or no; which byte is left to a byte loop).
// The log and JSON writers skip a line's long plain runs with them: a child's line is mostly one.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace phpeek::text {

inline constexpr uint64_t kEachByte01 = 0x0101010101010101ULL;
inline constexpr uint64_t kEachByte80 = 0x8080808080808080ULL;

constexpr bool AnyByteZero(uint64_t w) { return ((w - kEachByte01) & ~w & kEachByte80) != 0; }
constexpr bool AnyByteIs(uint64_t w, unsigned char c) { return AnyByteZero(w ^ (kEachByte01 * c)); }
// Any byte 0x80 and up.
constexpr bool AnyByteHigh(uint64_t w) { return (w & kEachByte80) != 0; }
// Any byte below `bound` (at most 0x80).
constexpr bool AnyByteBelow(uint64_t w, unsigned char bound) {
  return ((w - kEachByte01 * bound) & ~w & kEachByte80) != 0;
}
// Any C0 control, DEL or byte 0x80 and up: what is not printable ASCII.
constexpr bool AnyByteNotPrintableAscii(uint64_t w) {
  return AnyByteHigh(w) || AnyByteBelow(w, 0x20) || AnyByteIs(w, 0x7F);
}

inline uint64_t LoadWord(std::string_view s, size_t at) {
  uint64_t w;
  std::memcpy(&w, s.data() + at, sizeof w);
  return w;
}

}  // namespace phpeek::text
