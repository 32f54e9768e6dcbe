// `health_check:` {type: tcp|http|exec, address, url, command, timings, thresholds, mode}. Parsed
// and validated now; probing arrives with a later issue.
#include <cctype>

#include "core/config/sections.h"

namespace phpeek::config {
namespace {

// "host:port" with a port in 1-65535 (IPv6 as "[::1]:9000").
bool ValidAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  const std::string port = address.substr(colon + 1);
  if (port.size() > 5) return false;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  const int value = std::stoi(port);
  return value >= 1 && value <= 65535;
}

bool ValidUrl(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

// Which type-specific fields were given, for the per-type checks after reading.
struct Seen {
  bool type = false, bad_type = false, address = false, url = false, command = false;
  SourcePos address_pos, url_pos;
};

void CheckTypeFields(Reader& r, const Node& node, const std::string& path, const Seen& seen,
                     const HealthCheck& hc) {
  switch (hc.type) {
    case HealthCheckType::kTcp:
      if (!seen.address) {
        r.Error(node.pos, path, "a tcp health check needs 'address'", "address: 127.0.0.1:9000");
      } else if (!ValidAddress(hc.address)) {
        r.Error(seen.address_pos, JoinPath(path, "address"),
                "'" + hc.address + "' is not host:port", "address: 127.0.0.1:9000");
      }
      break;
    case HealthCheckType::kHttp:
      if (!seen.url) {
        r.Error(node.pos, path, "an http health check needs 'url'",
                "url: http://127.0.0.1:8080/health");
      } else if (!ValidUrl(hc.url)) {
        r.Error(seen.url_pos, JoinPath(path, "url"),
                "'" + hc.url + "' is not an http:// or https:// URL");
      }
      break;
    case HealthCheckType::kExec:
      if (!seen.command) {
        r.Error(node.pos, path, "an exec health check needs 'command'",
                "command: [\"php\", \"artisan\", \"horizon:status\"]");
      }
      break;
  }
}

}  // namespace

void ReadHealthCheck(Reader& r, const Node& node, const std::string& path, HealthCheck* out) {
  out->pos = node.pos;
  if (!node.IsMap()) {
    r.Error(node.pos, path, std::string("expected a map, got ") + DescribeKind(node));
    return;
  }
  Seen seen;
  using P = const std::string&;
  r.Map(node, path,
        {
            {"type",
             [&](const Node& v, P p) {
               seen.type = true;
               seen.bad_type = !r.Choice<HealthCheckType>(v, p,
                                                     {{"tcp", HealthCheckType::kTcp},
                                                      {"http", HealthCheckType::kHttp},
                                                      {"exec", HealthCheckType::kExec}},
                                                     &out->type);
             }},
            {"address",
             [&](const Node& v, P p) {
               seen.address = r.Text(v, p, &out->address);
               seen.address_pos = v.pos;
             }},
            {"url",
             [&](const Node& v, P p) {
               seen.url = r.Text(v, p, &out->url);
               seen.url_pos = v.pos;
             }},
            {"command",
             [&](const Node& v, P p) {
               seen.command = true;
               ReadCommand(r, v, p, &out->command);
             }},
            {"initial_delay", [&](const Node& v, P p) { r.Duration(v, p, &out->initial_delay); }},
            {"period",
             [&](const Node& v, P p) {
               if (r.Duration(v, p, &out->period) && out->period.count() == 0) {
                 r.Error(v.pos, p, "period must be greater than 0");
                 out->period = Millis(10000);
               }
             }},
            {"timeout", [&](const Node& v, P p) { r.Duration(v, p, &out->timeout); }},
            {"failure_threshold",
             [&](const Node& v, P p) { r.Int(v, p, 1, 1000, &out->failure_threshold); }},
            {"success_threshold",
             [&](const Node& v, P p) { r.Int(v, p, 1, 1000, &out->success_threshold); }},
            {"expected_status",
             [&](const Node& v, P p) { r.Int(v, p, 100, 599, &out->expected_status); }},
            {"mode",
             [&](const Node& v, P p) {
               r.Choice<HealthCheckMode>(v, p,
                                         {{"both", HealthCheckMode::kBoth},
                                          {"liveness", HealthCheckMode::kLiveness},
                                          {"readiness", HealthCheckMode::kReadiness}},
                                         &out->mode);
             }},
        });
  if (!seen.type) {  // no type: the one field given says which
    if (seen.url && !seen.address) out->type = HealthCheckType::kHttp;
    if (seen.command && !seen.address) out->type = HealthCheckType::kExec;
  }
  if (!seen.bad_type) CheckTypeFields(r, node, path, seen, *out);
}

}  // namespace phpeek::config
