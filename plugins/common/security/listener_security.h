// TLS and the access list of one plugin listener, for every first-party plugin that serves HTTP
// (rest-api: "api", metrics: "metrics", the dashboard: "dashboard"). A plugin
//  1. declares `<prefix>_tls` and `<prefix>_acl` in its config_keys with
//     PHPEEK_LISTENER_SECURITY_KEYS("api") (tls_settings.h and access_list.h say what they hold),
//  2. calls ValidateListenerSecurity(config, "api") from its validateConfig, so that check-config
//     and the start-up report a bad certificate path, an unreadable key or an invalid CIDR at the
//     key's line and column (the files are read, as the daemon will),
//  3. at start, ListenerSecurity::Load, then for each TCP endpoint
//     `endpoint.make_transport = security.TransportFactory()` (Unix sockets stay plain: mode 0600)
//     and in its handler `if (auto refused = security.Screen(request)) return *refused;`,
//  4. at a reload, ListenerSecurity::Reload: the certificates, the CA file, client_auth,
//     min_version and the access list are read again and apply to new connections; a setting that
//     fails keeps the previous ones and says why. Turning TLS on or off needs a restart (the port
//     would change protocol under its clients).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "phpeek/plugin.hpp"
#include "plugins/common/http/message.h"
#include "plugins/common/http/transport.h"
#include "plugins/common/security/access_list.h"
#include "plugins/common/security/tls_context.h"
#include "plugins/common/security/tls_settings.h"

// Two phpeek_config_key entries (OBJECT, no default: absent means off) for kConfigKeys.
// clang-format off
#define PHPEEK_LISTENER_SECURITY_KEYS(prefix)                                                   \
  phpeek_config_key{prefix "_tls",                                                              \
      "TLS of the " prefix " listener: enabled, cert_file, key_file, ca_file, client_auth "     \
      "(none|request|require|verify), min_version (1.2|1.3)",                                   \
      PHPEEK_KEY_OBJECT, 0, 0, 0, nullptr, nullptr},                                            \
  phpeek_config_key{prefix "_acl",                                                              \
      "Client addresses the " prefix " listener serves: enabled, mode (allow|deny), "           \
      "allow_list, deny_list (IPs and CIDRs), trust_proxy (use X-Forwarded-For)",               \
      PHPEEK_KEY_OBJECT, 0, 0, 0, nullptr, nullptr}
// clang-format on

namespace phpeek::security {

inline constexpr size_t kListenerSecurityKeyCount = 2;

// The JSON text of one top-level `global:` key. False when it is absent; sets `err` (and returns
// false) when the lookup itself failed.
using JsonLookup = std::function<bool(const std::string& key, std::string* json, std::string* err)>;

// The lookup through a plugin's host (config_get_json).
JsonLookup HostJsonLookup(const phpeek::v1::Host& host);

struct ListenerSecuritySettings {
  TlsSettings tls;
  AccessList acl;
  std::shared_ptr<const TlsContext> context;  // set when tls.enabled: the files read
};

// Reads `<prefix>_tls` and `<prefix>_acl` and, with TLS enabled, the files. On failure `err_key`
// is the key at fault ("api_tls") and `err` says what, naming the member and the file.
bool ReadListenerSecurity(const JsonLookup& lookup, std::string_view prefix,
                          ListenerSecuritySettings* out, std::string* err_key, std::string* err);

// For a plugin's validateConfig.
void ValidateListenerSecurity(const phpeek::v1::ConfigCheck& config, std::string_view prefix);

class ListenerSecurity {
 public:
  bool Load(const JsonLookup& lookup, std::string_view prefix, std::string* err);
  // Reads the settings again. On failure nothing changes and `err` says why. `note`: what the
  // reload could not change (TLS turned on or off), "" otherwise.
  bool Reload(const JsonLookup& lookup, std::string* err, std::string* note);

  bool tls_enabled() const { return tls_enabled_; }
  // "https" or "http", for log lines and URLs.
  const char* scheme() const { return tls_enabled_ ? "https" : "http"; }
  // For Endpoint::make_transport of the TCP endpoints: a TlsTransport with the current context, or
  // unset (plain) when TLS is off.
  std::function<std::unique_ptr<http::Transport>(int fd)> TransportFactory();

  // The 403 answer ({"error":"forbidden","detail":...}) for a request the access list refuses,
  // else nothing. `client`, when given, gets the client's address as the list saw it.
  std::optional<http::HttpResponse> Screen(const http::HttpRequest& request,
                                           std::string* client = nullptr) const;
  // The client's address as the access list sees it (with trust_proxy: the forwarded one).
  std::string ClientOf(const http::HttpRequest& request) const;

 private:
  std::shared_ptr<const TlsContext> Context() const;
  std::shared_ptr<const AccessList> Acl() const;

  std::string prefix_;
  bool tls_enabled_ = false;
  mutable std::mutex mu_;
  std::shared_ptr<const TlsContext> context_;  // guarded by mu_
  std::shared_ptr<const AccessList> acl_;      // guarded by mu_
};

}  // namespace phpeek::security
