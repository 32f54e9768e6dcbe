// `<prefix>_tls` of a plugin's listener (api_tls, metrics_tls, dashboard_tls):
//
//   api_tls:
//     enabled: true
//     cert_file: /etc/phpeek-pm/tls/server.crt   # PEM, the chain after the leaf
//     key_file: /etc/phpeek-pm/tls/server.key    # PEM, unencrypted
//     ca_file: /etc/phpeek-pm/tls/clients-ca.crt # PEM: the CAs client certificates must chain to
//     client_auth: none      # none | request | require | verify
//     min_version: "1.2"     # "1.2" or "1.3" (also written TLS1.2, TLS1.3); older never
//
// client_auth: `none` asks no certificate; `request` asks for one and, when one is sent, it must
// chain to ca_file; `require` and `verify` refuse a client without a certificate chaining to
// ca_file. A certificate is never accepted unverified (the original's `require` took any
// certificate, which proves nothing), so `require` and `verify` are the same here. Every mode
// but `none` needs ca_file.
//
// Paths must be absolute: the object is handed over as written, so a relative path could only be
// resolved against the daemon's working directory, which check-config does not share.
#pragma once

#include <string>
#include <string_view>

#include "phpeek/json.hpp"

namespace phpeek::security {

enum class ClientAuth { kNone, kRequest, kRequire, kVerify };

struct TlsSettings {
  bool enabled = false;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  ClientAuth client_auth = ClientAuth::kNone;
  int min_version = 0x0303;  // TLS 1.2 (TLS1_2_VERSION); 0x0304 for 1.3

  // From the key's value (absent: disabled). `key` names the key in errors ("api_tls"). Checks
  // the shape only; TlsContext::Create reads the files.
  static bool Parse(std::string_view key, const json::Value& value, TlsSettings* out,
                    std::string* err);
};

}  // namespace phpeek::security
