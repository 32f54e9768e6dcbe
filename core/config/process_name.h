// The rule for process names (configuration.md): [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64
// characters, case-sensitive. These are the names that are safe as a URL path segment, a metric
// label value, an instance id (`<name>-<i>`) and an environment value; the original PHPeek PM
// accepts any name, so capitals must load.
#pragma once

#include <cstddef>
#include <string_view>

namespace phpeek::config {

inline constexpr size_t kMaxProcessNameLength = 64;
// The rule as users read it in messages.
inline constexpr char kProcessNameRule[] =
    "[A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters: letters, digits, '_', '.', '-', "
    "starting with a letter or digit";

bool IsValidProcessName(std::string_view name);

}  // namespace phpeek::config
