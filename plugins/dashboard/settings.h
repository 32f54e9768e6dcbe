// The dashboard's settings, read from the shared `global:` block (configuration.md):
// dashboard_host, dashboard_port, dashboard_session_ttl and api_auth. Absent keys take the
// documented defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "plugins/common/control/global_settings.h"

namespace phpeek::dashboard {

struct Settings {
  std::string host = "127.0.0.1";
  int port = 9181;
  int64_t session_ttl_ms = int64_t{12} * 3600 * 1000;
  std::optional<std::string> token;  // api_auth; unset: no sign-in
};

// Reads and checks every setting. Returns false with a message naming the key on bad values.
bool LoadSettings(const control::GlobalLookup& lookup, Settings* out, std::string* err);

}  // namespace phpeek::dashboard
