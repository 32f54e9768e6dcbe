// The `global:` keys the rest-api plugin owns, declared to the host (plugin_abi.h, CONFIGURATION):
// the host checks them (check-config included), applies defaults and environment overrides by
// type, and hands them to LoadSettings in the normal form. `api_enabled` stays the core's switch
// that loads the plugin.
#pragma once

#include "phpeek/plugin.hpp"
#include "plugins/common/security/listener_security.h"

namespace phpeek::rest {

inline constexpr size_t kConfigKeyCount = 11;
extern const phpeek_config_key kConfigKeys[kConfigKeyCount];

// Rules across keys and beyond a type: a usable api_auth token, a warning when the API listens
// beyond loopback without one, and api_tls / api_acl as the daemon will read them (certificate
// files included: listener_security.h).
void ValidateConfig(const phpeek::v1::ConfigCheck& config);

}  // namespace phpeek::rest
