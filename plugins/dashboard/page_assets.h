// The page, embedded in the plugin at build time from page/ (no build step, no external asset):
// index.html, app.js and app.css, served with a Content-Security-Policy that allows nothing but
// these same-origin files (no inline script or style, no other origin).
#pragma once

#include <string_view>

namespace phpeek::dashboard {

struct PageAsset {
  std::string_view content_type;
  std::string_view body;
};

// The asset served at `path` ("/" is index.html), or nullptr.
const PageAsset* FindPageAsset(std::string_view path);

// Sent with every answer of the dashboard.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace phpeek::dashboard
