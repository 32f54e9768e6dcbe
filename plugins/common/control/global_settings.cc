#include "plugins/common/control/global_settings.h"

#include <charconv>

#include "plugins/common/control/auth.h"

namespace phpeek::control {
namespace {

bool ParseInt(const std::string& text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

GlobalLookup HostLookup(phpeek::v1::Host host) {
  return [host](const std::string& key, std::string* value, std::string* err) {
    value->clear();
    const phpeek::v1::Status s = host.configString("/" + key, value);
    if (s.code == PHPEEK_E_NOT_FOUND) return false;
    if (!s.ok()) {
      *err = "global." + key + ": " + s.message;
      return false;
    }
    return true;
  };
}

bool ReadIntSetting(const GlobalLookup& lookup, const std::string& key, int64_t lo, int64_t hi,
                    int64_t* out, std::string* err) {
  std::string text;
  if (!lookup(key, &text, err)) return err->empty();
  int64_t v = 0;
  if (!ParseInt(text, &v) || v < lo || v > hi) {
    *err = "global." + key + ": expected a whole number in " + std::to_string(lo) + ".." +
           std::to_string(hi) + ", got '" + text + "'";
    return false;
  }
  *out = v;
  return true;
}

bool ReadBoolSetting(const GlobalLookup& lookup, const std::string& key, bool* out,
                     std::string* err) {
  std::string text;
  if (!lookup(key, &text, err)) return err->empty();
  if (text != "true" && text != "false") {
    *err = "global." + key + ": expected true or false, got '" + text + "'";
    return false;
  }
  *out = text == "true";
  return true;
}

bool ReadStringSetting(const GlobalLookup& lookup, const std::string& key, std::string* out,
                       bool* present, std::string* err) {
  std::string text;
  *present = lookup(key, &text, err);
  if (!*present) return err->empty();
  *out = text;
  return true;
}

bool ReadTokenSetting(const GlobalLookup& lookup, std::optional<std::string>* token,
                      std::string* err) {
  std::string text;
  bool present = false;
  if (!ReadStringSetting(lookup, "api_auth", &text, &present, err)) return false;
  if (!present) return true;
  if (std::string problem = ValidateConfiguredToken(text); !problem.empty()) {
    *err = "global." + problem;
    return false;
  }
  *token = text;
  return true;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace phpeek::control
