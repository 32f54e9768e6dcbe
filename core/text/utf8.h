// UTF-8 validation shared by the config reader (reject files that are not text) and the JSON
// writer (never emit invalid JSON from a child's bytes).
#pragma once

#include <cstddef>
#include <string_view>

namespace phpeek::text {

// Length of the valid UTF-8 sequence that starts at s[i] (1 for ASCII), or 0 when the bytes there
// are not valid UTF-8 (stray continuation, truncated, overlong, surrogate or above U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace phpeek::text
