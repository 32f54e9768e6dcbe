// The `global:` keys the metrics plugin owns, declared to the host (plugin_abi.h, CONFIGURATION):
// the host checks them (check-config included), applies defaults and environment overrides by
// type, and hands them to ParseSettings in the normal form. `metrics_enabled` stays the core's
// switch that loads the plugin.
#pragma once

#include "phpeek/plugin.hpp"
#include "plugins/common/security/listener_security.h"

namespace phpeek::metrics {

inline constexpr size_t kConfigKeyCount = 5;
extern const phpeek_config_key kConfigKeys[kConfigKeyCount];

// What a type cannot say: metrics_path is a plain absolute path other than /health.
void ValidateConfig(const phpeek::v1::ConfigCheck& config);

// Empty when `path` can be the metrics path, else why not.
std::string MetricsPathProblem(const std::string& path);

}  // namespace phpeek::metrics
