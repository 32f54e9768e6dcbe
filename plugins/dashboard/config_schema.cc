#include "plugins/dashboard/config_schema.h"

#include <string>

#include "plugins/common/control/auth.h"
#include "plugins/common/control/global_settings.h"

namespace phpeek::dashboard {

const phpeek_config_key kConfigKeys[kConfigKeyCount] = {
    {"dashboard_host", "Address the web dashboard listens on (a host name or IP, without a port)",
     PHPEEK_KEY_ADDRESS, 0, 0, 0, "127.0.0.1", nullptr},
    {"dashboard_port", "TCP port of the web dashboard; 0 picks a free port and logs it",
     PHPEEK_KEY_INT, PHPEEK_KEY_FLAG_HAS_MIN | PHPEEK_KEY_FLAG_HAS_MAX, 0, 65535, "9181", nullptr},
    {"dashboard_session_ttl",
     "How long a dashboard sign-in lasts (with api_auth set) before the page asks for the token "
     "again",
     PHPEEK_KEY_DURATION, PHPEEK_KEY_FLAG_HAS_MIN | PHPEEK_KEY_FLAG_HAS_MAX, 60 * 1000,
     int64_t{30} * 24 * 3600 * 1000, "12h", nullptr},
    control::kApiAuthKey,
    PHPEEK_LISTENER_SECURITY_KEYS("dashboard"),
};

void ValidateConfig(const phpeek::v1::ConfigCheck& config) {
  security::ValidateListenerSecurity(config, "dashboard");
  std::string token;
  std::string host;
  if (!config.text("api_auth", &token) && config.text("dashboard_host", &host) &&
      !control::IsLoopbackHost(host)) {
    config.warning("dashboard_host",
                   "the dashboard listens on " + host +
                       " without authentication: anyone who can reach it can stop your processes",
                   "set api_auth to a secret token, or dashboard_host: 127.0.0.1");
  }
}

}  // namespace phpeek::dashboard
