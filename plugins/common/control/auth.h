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

#include "phpeek/plugin_abi.h"

namespace phpeek::control {

// Constant-time equality of two byte strings.
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

// True when `header` (the Authorization value, possibly empty) carries `expected`.
bool BearerMatches(std::string_view header, std::string_view expected);

// Checks a configured token: non-empty, no whitespace or control characters (a client could not
// send those in a header). Returns an error message, or "" when it is usable.
std::string ValidateConfiguredToken(std::string_view token);

// global.api_auth, declared alike by every plugin that takes the token (rest-api, dashboard), so
// the host sees one set of rules for the key.
inline constexpr phpeek_config_key kApiAuthKey = {
    "api_auth",
    "Bearer token every request but /health must carry; empty or unset: no authentication",
    PHPEEK_KEY_STRING,
    PHPEEK_KEY_FLAG_EMPTY_IS_UNSET,
    0,
    0,
    nullptr,
    nullptr};

}  // namespace phpeek::control
