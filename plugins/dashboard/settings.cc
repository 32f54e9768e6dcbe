#include "plugins/dashboard/settings.h"

namespace phpeek::dashboard {

bool LoadSettings(const control::GlobalLookup& lookup, Settings* out, std::string* err) {
  err->clear();
  int64_t port = out->port;
  bool present = false;
  if (!control::ReadStringSetting(lookup, "dashboard_host", &out->host, &present, err) ||
      !control::ReadIntSetting(lookup, "dashboard_port", 0, 65535, &port, err) ||
      !control::ReadIntSetting(lookup, "dashboard_session_ttl", 60 * 1000,
                               int64_t{30} * 24 * 3600 * 1000, &out->session_ttl_ms, err) ||
      !control::ReadTokenSetting(lookup, &out->token, err)) {
    return false;
  }
  out->port = static_cast<int>(port);
  if (out->host.empty()) {
    *err = "global.dashboard_host: must not be empty (use 127.0.0.1 to stay on loopback)";
    return false;
  }
  return true;
}

}  // namespace phpeek::dashboard
