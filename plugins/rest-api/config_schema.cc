#include "plugins/rest-api/config_schema.h"

#include <string>

#include "plugins/common/control/auth.h"
#include "plugins/rest-api/settings.h"

namespace phpeek::rest {

// One source for the rules: the host enforces them before init, so LoadSettings gets valid values.
const phpeek_config_key kConfigKeys[kConfigKeyCount] = {
    {"api_host", "Address the Management API listens on (a host name or IP, without a port)",
     PHPEEK_KEY_ADDRESS, 0, 0, 0, "127.0.0.1", nullptr},
    {"api_port", "TCP port of the Management API; 0 picks a free port and logs it", PHPEEK_KEY_INT,
     PHPEEK_KEY_FLAG_HAS_MIN | PHPEEK_KEY_FLAG_HAS_MAX, 0, 65535, "9180", nullptr},
    // sun_path holds 108 bytes, the terminating NUL included.
    {"api_socket", "Unix socket that also serves the API (mode 0600); unset: none", PHPEEK_KEY_PATH,
     PHPEEK_KEY_FLAG_HAS_MAX, 0, 107, nullptr, nullptr},
    control::kApiAuthKey,
    {"api_max_request_body", "Largest request body accepted (413 above)", PHPEEK_KEY_BYTES,
     PHPEEK_KEY_FLAG_HAS_MIN | PHPEEK_KEY_FLAG_HAS_MAX, 1024, 64 * 1024 * 1024, "64KiB", nullptr},
    {"api_max_streams",
     "Server-Sent Events streams (follow=1 logs, events) open at once; one more gets 503",
     PHPEEK_KEY_INT, PHPEEK_KEY_FLAG_HAS_MIN | PHPEEK_KEY_FLAG_HAS_MAX, 1, kMaxStreams, "64",
     nullptr},
    {"api_stream_heartbeat",
     "How long an idle event stream waits before it sends a heartbeat comment (keeps proxies "
     "from closing it)",
     PHPEEK_KEY_DURATION, PHPEEK_KEY_FLAG_HAS_MIN | PHPEEK_KEY_FLAG_HAS_MAX, 100, 3600 * 1000,
     "15s", nullptr},
    {"api_stream_queue",
     "Unsent bytes an event stream may hold for a slow client; past it the client gets "
     "`event: overflow` and is closed",
     PHPEEK_KEY_BYTES, PHPEEK_KEY_FLAG_HAS_MIN | PHPEEK_KEY_FLAG_HAS_MAX, 4096, 64 * 1024 * 1024,
     "1MiB", nullptr},
    PHPEEK_LISTENER_SECURITY_KEYS("api"),
    {"audit_enabled",
     "Log one JSON audit line per mutating request and per refused one (401, 403); never the "
     "token",
     PHPEEK_KEY_BOOL, 0, 0, 0, "false", nullptr},
};

void ValidateConfig(const phpeek::v1::ConfigCheck& config) {
  security::ValidateListenerSecurity(config, "api");
  std::string audit;
  std::string level;
  if (config.text("audit_enabled", &audit) && audit == "true" && config.text("log_level", &level) &&
      (level == "warn" || level == "error")) {
    config.warning("audit_enabled",
                   "the audit lines are info lines, which log_level: " + level + " drops",
                   "log_level: info");
  }
  std::string token;
  const bool has_token = config.text("api_auth", &token);
  if (has_token) {
    if (const std::string problem = control::ValidateConfiguredToken(token); !problem.empty()) {
      config.error("api_auth", problem);
      return;
    }
  }
  std::string host;
  if (!has_token && config.text("api_host", &host) && !control::IsLoopbackHost(host)) {
    config.warning("api_host",
                   "the API listens on " + host +
                       " without authentication: anyone who can reach it can stop your processes",
                   "set api_auth to a secret token, or api_host: 127.0.0.1");
  }
}

}  // namespace phpeek::rest
