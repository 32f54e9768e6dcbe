// A process's `php_fpm_status:` {address, path}: where the metrics plugin asks the process's
// php-fpm pool for its status page over FastCGI. Checked here so that a typo is a load error with
// its position instead of a pool that silently reports `phpeek_pm_php_fpm_up 0`. Numeric hosts
// only: the pool runs under this process, and a scrape must not wait on a name lookup.
#include <sys/un.h>

#include "core/config/probe_target.h"
#include "core/config/sections.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

constexpr std::string_view kUnixPrefix = "unix:";
constexpr const char* kAddressHint =
    "address: 127.0.0.1:9000 (php-fpm's listen) or address: unix:/run/php/php-fpm.sock";

// Why `address` (after `{instance_index}` is replaced by 0) is not one the plugin can connect to;
// "" when it is.
std::string FpmAddressProblem(const std::string& address) {
  const std::string text = ExpandInstanceIndex(address, 0);
  const std::string shown = "'" + address + "'";
  if (text.rfind(kUnixPrefix, 0) == 0) {
    const std::string socket = text.substr(kUnixPrefix.size());
    if (socket.empty() || socket.front() != '/') {
      return shown + ": a unix socket needs an absolute path (unix:/run/php/php-fpm.sock)";
    }
    if (socket.size() >= sizeof(sockaddr_un{}.sun_path)) {
      return shown + ": the socket path is longer than " +
             std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes";
    }
    return "";
  }
  ProbeEndpoint endpoint;
  std::string err;
  if (!ParseTcpAddress(text, &endpoint, &err)) return shown + " is not host:port or unix:/path";
  if (!IsNumericHost(endpoint.host)) {
    return shown + ": the host must be a numeric IP address, not a name";
  }
  return "";
}

// A path php-fpm compares with pm.status_path: absolute, without a query (the plugin sends
// `json`) and without spaces or control characters.
std::string FpmPathProblem(const std::string& path) {
  if (path.empty() || path.front() != '/') return "'" + path + "' must start with '/'";
  for (char c : path) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '?' || c == '#') {
      return "'" + path + "' has a space, control character, '?' or '#'";
    }
  }
  return "";
}

}  // namespace

void ReadPhpFpmStatus(Reader& r, const Node& node, const std::string& path, PhpFpmStatus* out) {
  out->pos = node.pos;
  if (!node.IsMap()) {
    r.Error(node.pos, path, std::string("expected a map, got ") + DescribeKind(node),
            "php_fpm_status: {address: 127.0.0.1:9000, path: /status}");
    return;
  }
  bool seen_address = false;
  r.Map(node, path,
        {
            {"address",
             [&](const Node& v, P p) {
               seen_address = true;  // a bad value is reported once, not also as missing
               if (!r.Text(v, p, &out->address)) return;
               const std::string problem = FpmAddressProblem(out->address);
               if (!problem.empty()) r.Error(v.pos, p, problem, kAddressHint);
             }},
            {"path",
             [&](const Node& v, P p) {
               if (!r.Text(v, p, &out->path)) return;
               const std::string problem = FpmPathProblem(out->path);
               if (!problem.empty()) r.Error(v.pos, p, problem, "path: /status (pm.status_path)");
             }},
        });
  if (!seen_address) r.Error(node.pos, path, "php_fpm_status needs 'address'", kAddressHint);
}

}  // namespace phpeek::config
