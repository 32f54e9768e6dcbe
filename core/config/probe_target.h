// Where a tcp or http health check connects: `address` (host:port) and `url` (http://host[:port]
// /path) parsed into plain parts, after `{instance_index}` is replaced by the instance's index.
// The loader validates a check with index 0; the prober parses each instance's own text again.
#pragma once

#include <string>
#include <string_view>

namespace phpeek::config {

struct ProbeEndpoint {
  std::string host;  // a name or a literal address, IPv6 without brackets
  int port = 0;
  std::string path;         // http: path and query, "/" when the URL has none
  std::string host_header;  // http: the Host header, as the URL names it (host[:port])
};

// `text` with every "{instance_index}" replaced by `index`.
std::string ExpandInstanceIndex(std::string_view text, int index);

// "host:port", "[::1]:9000"; a port in 1-65535.
bool ParseTcpAddress(std::string_view text, ProbeEndpoint* out, std::string* err);
// A literal IPv4 or IPv6 address (IPv6 without brackets), not a name.
bool IsNumericHost(const std::string& host);

// "http://host[:port][/path][?query]". https:// and credentials in the URL are refused with a
// message that says why (the probe speaks plain HTTP only).
bool ParseHttpUrl(std::string_view text, ProbeEndpoint* out, std::string* err);

}  // namespace phpeek::config
