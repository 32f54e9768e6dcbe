// Percent-decoding of one path segment or query value (RFC 3986 section 2.1), for names that
// travel in a URL (a process name in /api/v1/processes/{name}, in ?process=NAME).
#pragma once

#include <string>
#include <string_view>

namespace phpeek::http {

// 0..15 for a hex digit of either case, -1 for any other character.
int HexDigitValue(char c);

// Decodes %XX escapes into `out`. Refuses (false, `err` set) a truncated or non-hex escape, and
// an encoded '/' or NUL, which no name holds and which would change what a path means.
bool PercentDecode(std::string_view raw, std::string* out, std::string* err);

}  // namespace phpeek::http
