#include "plugins/metrics/config_schema.h"

#include <string>

namespace phpeek::metrics {

const phpeek_config_key kConfigKeys[kConfigKeyCount] = {
    {"metrics_host", "Address the metrics endpoint listens on (a host name or IP, without a port)",
     PHPEEK_KEY_ADDRESS, 0, 0, 0, "127.0.0.1", nullptr},
    {"metrics_port", "TCP port of the metrics endpoint; 0 picks a free port and logs it",
     PHPEEK_KEY_INT, PHPEEK_KEY_FLAG_HAS_MIN | PHPEEK_KEY_FLAG_HAS_MAX, 0, 65535, "9090", nullptr},
    {"metrics_path", "HTTP path of the Prometheus exposition (/health is the probe endpoint)",
     PHPEEK_KEY_STRING, PHPEEK_KEY_FLAG_HAS_MIN, 1, 0, "/metrics", nullptr},
    PHPEEK_LISTENER_SECURITY_KEYS("metrics"),
};

std::string MetricsPathProblem(const std::string& path) {
  if (path.empty() || path[0] != '/') return "must start with '/', got '" + path + "'";
  if (path.find_first_of("?# ") != std::string::npos) {
    return "must be a plain path without '?', '#' or spaces";
  }
  if (path == "/health") return "'/health' is the probe endpoint of the metrics port";
  return "";
}

void ValidateConfig(const phpeek::v1::ConfigCheck& config) {
  security::ValidateListenerSecurity(config, "metrics");
  std::string path;
  if (!config.text("metrics_path", &path)) return;
  if (const std::string problem = MetricsPathProblem(path); !problem.empty()) {
    config.error("metrics_path", problem, "metrics_path: /metrics");
  }
}

}  // namespace phpeek::metrics
