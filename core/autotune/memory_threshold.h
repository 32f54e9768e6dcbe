// The autotune memory threshold as written by a user (--autotune-memory-threshold,
// PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD, global.autotune_memory_threshold): the share of the memory
// limit the php-fpm pool may plan for, in place of the profile's own figure.
#pragma once

#include <string>
#include <string_view>

namespace phpeek::autotune {

// Above 1: oversubscription, allowed with a warning (as in the original).
constexpr double kMaxMemoryThreshold = 2.0;

// A decimal number from 0 to kMaxMemoryThreshold ("0.8"); 0 keeps the profile's figure. On bad
// text returns false with a message (without the name of the place, which the caller adds).
bool ParseMemoryThreshold(std::string_view text, double* out, std::string* error);

// A share as a percentage for messages: 0.7 -> "70%", 0.333 -> "33.3%".
std::string PercentText(double share);

}  // namespace phpeek::autotune
