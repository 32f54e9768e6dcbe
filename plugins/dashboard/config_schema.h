// The `global:` keys the dashboard plugin owns, declared to the host (plugin_abi.h, CONFIGURATION),
// and api_auth, declared alike by rest-api: the page asks for that token once. dashboard_tls and
// dashboard_acl are the listeners' TLS and access list (plugins/common/security).
// `dashboard_enabled` stays the core's switch that loads the plugin.
#pragma once

#include "phpeek/plugin.hpp"
#include "plugins/common/security/listener_security.h"

namespace phpeek::dashboard {

inline constexpr size_t kConfigKeyCount = 4 + security::kListenerSecurityKeyCount;
extern const phpeek_config_key kConfigKeys[kConfigKeyCount];

// A warning when the dashboard listens beyond loopback without api_auth; dashboard_tls and
// dashboard_acl checked as every listener's (listener_security.h).
void ValidateConfig(const phpeek::v1::ConfigCheck& config);

}  // namespace phpeek::dashboard
