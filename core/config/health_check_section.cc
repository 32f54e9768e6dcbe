// `health_check:` {type: tcp|http|exec, address, url, command, timings, thresholds, mode}, with the
// original's aliases (`interval` for period, `retries` for failure_threshold). core/health probes
// what this reads; `{instance_index}` in address, url and command is replaced per instance.
#include "core/config/probe_target.h"
#include "core/config/sections.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

// Which fields were given, for the per-type checks after reading.
struct Seen {
  bool type = false, bad_type = false, address = false, url = false, command = false;
  SourcePos address_pos, url_pos;
  std::string period_key, failure_key;  // the spelling used, to refuse both spellings at once
};

void CheckTcp(Reader& r, const Node& node, P path, const Seen& seen, const HealthCheck& hc) {
  if (!seen.address) {
    r.Error(node.pos, path, "a tcp health check needs 'address'", "address: 127.0.0.1:9000");
    return;
  }
  ProbeEndpoint endpoint;
  std::string err;
  if (!ParseTcpAddress(ExpandInstanceIndex(hc.address, 0), &endpoint, &err)) {
    r.Error(seen.address_pos, JoinPath(path, "address"), "'" + hc.address + "' is not host:port",
            "address: 127.0.0.1:9000");
  }
}

// The original's docs also write an http check's URL under `address`: taken as the url.
void CheckHttp(Reader& r, const Node& node, P path, Seen* seen, HealthCheck* hc) {
  if (!seen->url && seen->address && hc->address.rfind("http", 0) == 0) {
    hc->url = hc->address;
    seen->url = true;
    seen->url_pos = seen->address_pos;
  }
  if (!seen->url) {
    r.Error(node.pos, path, "an http health check needs 'url'",
            "url: http://127.0.0.1:8080/health");
    return;
  }
  ProbeEndpoint endpoint;
  std::string err;
  if (!ParseHttpUrl(ExpandInstanceIndex(hc->url, 0), &endpoint, &err)) {
    r.Error(seen->url_pos, JoinPath(path, "url"), err, "url: http://127.0.0.1:8080/health");
  }
}

void CheckTypeFields(Reader& r, const Node& node, P path, Seen* seen, HealthCheck* hc) {
  switch (hc->type) {
    case HealthCheckType::kTcp:
      CheckTcp(r, node, path, *seen, *hc);
      break;
    case HealthCheckType::kHttp:
      CheckHttp(r, node, path, seen, hc);
      break;
    case HealthCheckType::kExec:
      if (!seen->command) {
        r.Error(node.pos, path, "an exec health check needs 'command'",
                "command: [\"php\", \"artisan\", \"horizon:status\"]");
      }
      break;
  }
}

// `key` and its alias name one setting: the second spelling in a map is an error.
bool FirstSpelling(Reader& r, const Node& v, P p, const char* key, std::string* used) {
  if (!used->empty()) {
    r.Error(v.pos, p, "'" + std::string(key) + "' and '" + *used + "' are the same setting",
            "keep one of them");
    return false;
  }
  *used = key;
  return true;
}

std::vector<KeyHandler> TimingHandlers(Reader& r, HealthCheck* out, Seen* seen) {
  auto period = [&r, out, seen](const char* key) {
    return KeyHandler{key, [&r, out, seen, key](const Node& v, P p) {
                        if (!FirstSpelling(r, v, p, key, &seen->period_key)) return;
                        if (r.Duration(v, p, &out->period) && out->period.count() == 0) {
                          r.Error(v.pos, p, std::string(key) + " must be greater than 0");
                          out->period = Millis(10000);
                        }
                      }};
  };
  auto failures = [&r, out, seen](const char* key) {
    return KeyHandler{key, [&r, out, seen, key](const Node& v, P p) {
                        if (!FirstSpelling(r, v, p, key, &seen->failure_key)) return;
                        r.Int(v, p, 1, 1000, &out->failure_threshold);
                      }};
  };
  return {
      {"initial_delay", [&r, out](const Node& v, P p) { r.Duration(v, p, &out->initial_delay); }},
      period("period"),
      period("interval"),
      {"timeout",
       [&r, out](const Node& v, P p) {
         if (r.Duration(v, p, &out->timeout) && out->timeout.count() == 0) {
           r.Error(v.pos, p, "timeout must be greater than 0");
           out->timeout = Millis(3000);
         }
       }},
      failures("failure_threshold"),
      failures("retries"),
      {"success_threshold",
       [&r, out](const Node& v, P p) { r.Int(v, p, 1, 1000, &out->success_threshold); }},
  };
}

std::vector<KeyHandler> TargetHandlers(Reader& r, HealthCheck* out, Seen* seen) {
  return {
      {"type",
       [&r, out, seen](const Node& v, P p) {
         seen->type = true;
         seen->bad_type = !r.Choice<HealthCheckType>(v, p,
                                                     {{"tcp", HealthCheckType::kTcp},
                                                      {"http", HealthCheckType::kHttp},
                                                      {"exec", HealthCheckType::kExec}},
                                                     &out->type);
       }},
      {"address",
       [&r, out, seen](const Node& v, P p) {
         seen->address = r.Text(v, p, &out->address);
         seen->address_pos = v.pos;
       }},
      {"url",
       [&r, out, seen](const Node& v, P p) {
         seen->url = r.Text(v, p, &out->url);
         seen->url_pos = v.pos;
       }},
      {"command",
       [&r, out, seen](const Node& v, P p) {
         seen->command = true;
         ReadCommand(r, v, p, &out->command);
       }},
      {"expected_status",
       [&r, out](const Node& v, P p) { r.Int(v, p, 100, 599, &out->expected_status); }},
      {"mode",
       [&r, out](const Node& v, P p) {
         r.Choice<HealthCheckMode>(v, p,
                                   {{"both", HealthCheckMode::kBoth},
                                    {"liveness", HealthCheckMode::kLiveness},
                                    {"readiness", HealthCheckMode::kReadiness}},
                                   &out->mode);
       }},
  };
}

}  // namespace

void ReadHealthCheck(Reader& r, const Node& node, const std::string& path, HealthCheck* out) {
  out->pos = node.pos;
  if (!node.IsMap()) {
    r.Error(node.pos, path, std::string("expected a map, got ") + DescribeKind(node));
    return;
  }
  Seen seen;
  std::vector<KeyHandler> handlers = TargetHandlers(r, out, &seen);
  for (auto& h : TimingHandlers(r, out, &seen)) handlers.push_back(std::move(h));
  r.Map(node, path, handlers);
  if (!seen.type) {  // no type: the one field given says which
    if (!seen.address && !seen.url && !seen.command) {
      r.Error(node.pos, path,
              "a health check needs 'address' (tcp), 'url' (http) or 'command' (exec)",
              "type: tcp, address: 127.0.0.1:9000");
      return;
    }
    if (seen.url && !seen.address) out->type = HealthCheckType::kHttp;
    if (seen.command && !seen.address) out->type = HealthCheckType::kExec;
  }
  if (!seen.bad_type) CheckTypeFields(r, node, path, &seen, out);
}

}  // namespace phpeek::config
