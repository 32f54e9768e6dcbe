#include "plugins/dashboard/cookies.h"

namespace phpeek::dashboard {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string CookieText(std::string_view value, long long max_age_s, bool secure) {
  std::string out(kSessionCookie);
  out += "=";
  out += value;
  out += "; Path=/; Max-Age=" + std::to_string(max_age_s) + "; HttpOnly; SameSite=Strict";
  if (secure) out += "; Secure";
  return out;
}

}  // namespace

std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    const std::string_view pair = Trim(header.substr(0, end));
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) {
      return Trim(pair.substr(eq + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::string SessionCookie(std::string_view id, std::chrono::milliseconds max_age, bool secure) {
  return CookieText(id, std::chrono::duration_cast<std::chrono::seconds>(max_age).count(), secure);
}

std::string ExpiredSessionCookie(bool secure) { return CookieText("", 0, secure); }

}  // namespace phpeek::dashboard
