#include "core/config/probe_target.h"

#include <arpa/inet.h>

#include <cctype>

namespace phpeek::config {
namespace {

constexpr std::string_view kPlaceholder = "{instance_index}";

bool ParsePort(std::string_view text, int* port) {
  if (text.empty() || text.size() > 5) return false;
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return false;
  *port = value;
  return true;
}

// "host", "host:port", "[v6]", "[v6]:port"; `default_port` when the text has none (0: required).
bool SplitHostPort(std::string_view text, int default_port, ProbeEndpoint* out) {
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return false;
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
  } else {
    const size_t colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) return false;  // bare IPv6
    host = text.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = text.substr(colon + 1);
      if (port.empty()) return false;
    }
  }
  if (host.empty()) return false;
  for (char c : host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@') return false;
  }
  out->host = std::string(host);
  if (port.empty()) {
    out->port = default_port;
    return default_port > 0;
  }
  return ParsePort(port, &out->port);
}

}  // namespace

std::string ExpandInstanceIndex(std::string_view text, int index) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t found = text.find(kPlaceholder, at);
    out.append(text.substr(at, found - at));
    if (found == std::string_view::npos) return out;
    out += std::to_string(index);
    at = found + kPlaceholder.size();
  }
}

bool IsNumericHost(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool ParseTcpAddress(std::string_view text, ProbeEndpoint* out, std::string* err) {
  if (!SplitHostPort(text, 0, out)) {
    *err = "'" + std::string(text) + "' is not host:port";
    return false;
  }
  return true;
}

bool ParseHttpUrl(std::string_view text, ProbeEndpoint* out, std::string* err) {
  const std::string shown = "'" + std::string(text) + "'";
  if (text.rfind("https://", 0) == 0) {
    *err = shown + ": https is not supported by health checks (the probe speaks plain HTTP)";
    return false;
  }
  if (text.rfind("http://", 0) != 0) {
    *err = shown + " is not an http:// URL";
    return false;
  }
  const std::string_view rest = text.substr(7);
  const size_t slash = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    *err = shown + ": credentials in the URL are not supported";
    return false;
  }
  if (!SplitHostPort(authority, 80, out)) {
    *err = shown + " has no valid host[:port]";
    return false;
  }
  std::string_view path = slash == std::string_view::npos ? "/" : rest.substr(slash);
  path = path.substr(0, path.find('#'));  // a fragment is never sent
  for (char c : path) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      *err = shown + " has a space or control character in its path";
      return false;
    }
  }
  out->path = path.empty() || path.front() != '/' ? "/" + std::string(path) : std::string(path);
  out->host_header = std::string(authority);
  return true;
}

}  // namespace phpeek::config
