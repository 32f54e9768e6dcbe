// The session cookie: read from a request's Cookie header (RFC 6265 section 5.4: "a=1; b=2"),
// written as a Set-Cookie value that scripts cannot read (HttpOnly) and that no other site's page
// makes the browser send (SameSite=Strict).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace phpeek::dashboard {

inline constexpr std::string_view kSessionCookie = "phpeek_dashboard";

// The value of cookie `name` in a Cookie header, or nullopt.
std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name);

// `secure`: the dashboard is served over TLS, so the cookie is never sent in clear.
std::string SessionCookie(std::string_view id, std::chrono::milliseconds max_age, bool secure);
// A Set-Cookie value that makes the browser forget the session cookie.
std::string ExpiredSessionCookie(bool secure);

}  // namespace phpeek::dashboard
