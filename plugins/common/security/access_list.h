// `<prefix>_acl` of a plugin's listener (api_acl, metrics_acl, dashboard_acl): which client
// addresses may use it.
//
//   api_acl:
//     enabled: true
//     mode: allow            # allow: only allow_list may connect; deny: all but deny_list
//     allow_list: [127.0.0.1, "10.0.0.0/8", "::1", "fd00::/8"]
//     deny_list: []
//     trust_proxy: false     # true: the client is the last X-Forwarded-For address
//
// Fail closed, unlike the original PHPeek PM (which disabled its list on a bad entry): every entry
// must be an address or a network, an unknown member is an error, and `mode: allow` with an empty
// allow_list (nobody could connect) is refused. Only the mode's list is used; the other one is
// checked all the same.
//
// trust_proxy: behind a reverse proxy every connection comes from the proxy, which says whom it
// serves in X-Forwarded-For. The client is the LAST address of the header (the one the nearest
// proxy added): the first ones are whatever the client sent, and a client could claim any address
// there. Without trust_proxy the header is ignored. A request with trust_proxy whose header is
// there but not an address is refused (its client is unknown).
//
// Connections over a Unix socket have no address: the list does not apply to them (the socket is
// mode 0600, so only its owner can connect).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "phpeek/json.hpp"
#include "plugins/common/security/ip_address.h"

namespace phpeek::security {

class AccessList {
 public:
  enum class Mode { kAllow, kDeny };

  // From the key's value (absent: disabled). `key` names the key in errors ("api_acl").
  static bool Parse(std::string_view key, const json::Value& value, AccessList* out,
                    std::string* err);

  bool enabled() const { return enabled_; }
  bool trust_proxy() const { return trust_proxy_; }

  // Who the client is: `peer` (the connection's address, "" for a Unix socket) or, with
  // trust_proxy, the last address of `forwarded_for` (the X-Forwarded-For fields joined by ",";
  // empty when there is none). False when it cannot be told (a bad forwarded address).
  bool ClientAddress(std::string_view peer, std::string_view forwarded_for, std::string* client,
                     std::string* why) const;
  // Whether `client` (from ClientAddress; "" for a Unix socket) may be served.
  bool Allows(std::string_view client) const;

 private:
  bool enabled_ = false;
  Mode mode_ = Mode::kAllow;
  bool trust_proxy_ = false;
  std::vector<IpNetwork> allow_;
  std::vector<IpNetwork> deny_;
};

}  // namespace phpeek::security
