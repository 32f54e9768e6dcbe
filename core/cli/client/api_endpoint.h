// Where the client commands find the daemon's Management API, with which token, and for
// https:// what to trust and which client certificate to show.
// Precedence per value: --url/--token/--cacert/--cert/--key, then $PHPEEK_PM_API_URL,
// $PHPEEK_PM_API_TOKEN (or $PHPEEK_PM_API_AUTH, named after api_auth, when $PHPEEK_PM_API_TOKEN is
// not set), $PHPEEK_PM_API_CACERT, $PHPEEK_PM_API_CERT, $PHPEEK_PM_API_KEY, then the
// configuration file's api_host/api_port/api_socket/api_auth and api_tls (enabled: the URL is
// https://, and without a CA given the server's own cert_file is trusted: the client on the
// daemon's machine pins its certificate), then the documented defaults.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/cli/client/tls_session.h"
#include "core/cli/command_line.h"

namespace phpeek::cli::client {

struct ApiEndpoint {
  // "http://host:port" or "unix:/path/to/socket".
  std::string url;
  std::optional<std::string> token;
  TlsClientFiles tls;  // for https://
};

// `env` is the process environment. A configuration file is read only when a value is still
// missing; one named with -c (or $PHPEEK_PM_CONFIG) must load, the default lookup may find none.
bool ResolveEndpoint(const CommandLine& cl, const std::map<std::string, std::string>& env,
                     ApiEndpoint* out, std::string* err);

// Host to connect to for a bind address: wildcards mean "this machine".
std::string ConnectHost(const std::string& bind_host);

}  // namespace phpeek::cli::client
