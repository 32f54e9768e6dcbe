// Regular expressions of the `logging:` block: compiled with RE2 (linear-time matching, so no
// pattern can hang the daemon on a long line), and redaction replacements in the original's
// Go syntax (`$1`, `${1}`, `${name}`, `$$`) translated to RE2's rewrite syntax (`\1`, `\\`).
// Both are checked at load, so a bad one is a config error with its position.
#pragma once

#include <memory>
#include <string>

#include "core/config/document.h"
#include "core/config/logging_spec.h"
#include "core/config/reader.h"

namespace phpeek::config {

// Compiles `text`. `captures` false: a match-only pattern (faster; groups are not reported).
// On failure returns null and sets `err` to RE2's reason ("missing ): (abc").
std::shared_ptr<const re2::RE2> CompileLogRegex(const std::string& text, bool captures,
                                                std::string* err);

// Whether `re` matches an empty text (`\d*`, `x?`, `^`): a redaction rule with such a pattern
// would insert its replacement where there is nothing to hide, between every two characters.
bool MatchesEmpty(const re2::RE2& re);

// Reads a non-empty scalar and compiles it into `out`; reports problems at the value.
bool ReadLogPattern(Reader& r, const Node& node, const std::string& path, bool captures,
                    LogPattern* out);

// `replacement` in Go syntax -> RE2 rewrite for `re`; false with `err` when it names a group the
// pattern does not have, or a group above 9 (RE2 rewrites reach \9).
bool TranslateReplacement(const std::string& replacement, const re2::RE2& re, std::string* rewrite,
                          std::string* err);

}  // namespace phpeek::config
