// The plugin's settings: the metrics_* keys of the shared `global:` block, validated.
//
//   metrics_enabled  bool     false       the host loads the plugin for it; false here = no
//   listener metrics_host     address  127.0.0.1   bind address (loopback unless the operator opens
//   it) metrics_port     int      9090        0 picks a free port (logged) metrics_path     path
//   /metrics    absolute, not /health (that one is the probe endpoint)
#pragma once

#include <functional>
#include <string>

namespace phpeek::metrics {

struct Settings {
  bool enabled = false;
  std::string host = "127.0.0.1";
  int port = 9090;
  std::string path = "/metrics";
};

// One `global:` key as the host returned it.
struct SettingValue {
  bool present = false;  // false: the key is not set, the default applies
  std::string text;      // the scalar as text ("true", "9090", "/metrics")
  std::string error;     // non-empty: the host could not give it (e.g. not a scalar)
};
using SettingLookup = std::function<SettingValue(const std::string& key)>;

// Reads and validates all keys. Errors name the key and the offending value.
bool ParseSettings(const SettingLookup& lookup, Settings* out, std::string* err);

}  // namespace phpeek::metrics
