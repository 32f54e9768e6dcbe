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

// Each returns a mask that is non-zero exactly when a byte of `w` matches (which bits are set is
// not exact). Masks combine with |, without branches, and are tested once with != 0.
constexpr uint64_t ZeroByteMask(uint64_t w) { return (w - kEachByte01) & ~w & kEachByte80; }
constexpr uint64_t ByteIsMask(uint64_t w, unsigned char c) {
  return ZeroByteMask(w ^ (kEachByte01 * c));
}
// Bytes 0x80 and up.
constexpr uint64_t HighByteMask(uint64_t w) { return w & kEachByte80; }
// Bytes below `bound` (at most 0x80).
constexpr uint64_t ByteBelowMask(uint64_t w, unsigned char bound) {
  return (w - kEachByte01 * bound) & ~w & kEachByte80;
}
// C0 controls, DEL and bytes 0x80 and up: what is not printable ASCII.
constexpr uint64_t NotPrintableAsciiMask(uint64_t w) {
  return HighByteMask(w) | ByteBelowMask(w, 0x20) | ByteIsMask(w, 0x7F);
}

inline uint64_t LoadWord(std::string_view s, size_t at) {
  uint64_t w;
  std::memcpy(&w, s.data() + at, sizeof w);
  return w;
}

}  // namespace phpeek::text
