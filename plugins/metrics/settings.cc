#include "plugins/metrics/settings.h"

#include <charconv>

#include "plugins/metrics/config_schema.h"

namespace phpeek::metrics {
namespace {

bool Fail(std::string* err, const std::string& key, const std::string& message) {
  *err = "global." + key + ": " + message;
  return false;
}

// Fetches `key`; false (with *err) when the host reported an error. *value untouched if absent.
bool Fetch(const SettingLookup& lookup, const std::string& key, std::string* value, bool* present,
           std::string* err) {
  const SettingValue v = lookup(key);
  if (!v.error.empty()) return Fail(err, key, v.error);
  *present = v.present;
  if (v.present) *value = v.text;
  return true;
}

bool ParseEnabled(const SettingLookup& lookup, Settings* out, std::string* err) {
  std::string text;
  bool present = false;
  if (!Fetch(lookup, "metrics_enabled", &text, &present, err)) return false;
  if (!present) return true;
  if (text != "true" && text != "false") {
    return Fail(err, "metrics_enabled", "expected true or false, got '" + text + "'");
  }
  out->enabled = text == "true";
  return true;
}

bool ParsePort(const SettingLookup& lookup, Settings* out, std::string* err) {
  std::string text;
  bool present = false;
  if (!Fetch(lookup, "metrics_port", &text, &present, err)) return false;
  if (!present) return true;
  int port = -1;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), port);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size() || port < 0 || port > 65535) {
    return Fail(err, "metrics_port", "expected a port number 0-65535, got '" + text + "'");
  }
  out->port = port;
  return true;
}

bool ParseHostAndPath(const SettingLookup& lookup, Settings* out, std::string* err) {
  bool present = false;
  if (!Fetch(lookup, "metrics_host", &out->host, &present, err)) return false;
  if (out->host.empty()) return Fail(err, "metrics_host", "must not be empty");
  if (!Fetch(lookup, "metrics_path", &out->path, &present, err)) return false;
  // The same rule check-config applies (a 1.0 host does not run it).
  const std::string problem = MetricsPathProblem(out->path);
  return problem.empty() || Fail(err, "metrics_path", problem);
}

}  // namespace

bool ParseSettings(const SettingLookup& lookup, Settings* out, std::string* err) {
  *out = Settings{};
  return ParseEnabled(lookup, out, err) && ParsePort(lookup, out, err) &&
         ParseHostAndPath(lookup, out, err);
}

}  // namespace phpeek::metrics
