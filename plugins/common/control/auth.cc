#include "plugins/common/control/auth.h"

namespace phpeek::control {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is visited whatever `given` is, so the timing reveals nothing
  // beyond the expected length. volatile keeps the compiler from stopping at the first mismatch.
  volatile unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff = diff | (g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

bool BearerMatches(std::string_view header, std::string_view expected) {
  constexpr std::string_view kScheme = "bearer";
  header = Trim(header);
  if (header.size() <= kScheme.size() || !IsSpace(header[kScheme.size()])) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (Lower(header[i]) != kScheme[i]) return false;
  }
  const std::string_view token = Trim(header.substr(kScheme.size()));
  if (token.empty() || expected.empty()) return false;
  return ConstantTimeEquals(token, expected);
}

std::string ValidateConfiguredToken(std::string_view token) {
  if (token.empty()) {
    return "api_auth is empty: set a token, or remove the key to run without authentication";
  }
  for (const char c : token) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return "api_auth contains whitespace or control characters, which no HTTP client can send "
             "in an Authorization header";
    }
  }
  return "";
}

}  // namespace phpeek::control
