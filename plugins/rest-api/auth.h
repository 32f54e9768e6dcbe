// Bearer-token check for the Authorization header (RFC 6750 section 2.1).
//
// The scheme name is matched case-insensitively: RFC 7235 section 2.1 says auth schemes are
// case-insensitive, so "bearer" and "BEARER" are accepted like "Bearer". The token itself is
// compared exactly and in constant time (the time depends only on the expected token's length).
// Leading and trailing whitespace of the header value are not part of it (RFC 9110 section 5.5),
// so "Bearer tok " carries the token "tok". An empty token never matches.
#pragma once

#include <string>
#include <string_view>

namespace phpeek::rest {

// Constant-time equality of two byte strings.
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

// True when `header` (the Authorization value, possibly empty) carries `expected`.
bool BearerMatches(std::string_view header, std::string_view expected);

// Checks a configured token: non-empty, no whitespace or control characters (a client could not
// send those in a header). Returns an error message, or "" when it is usable.
std::string ValidateConfiguredToken(std::string_view token);

}  // namespace phpeek::rest
