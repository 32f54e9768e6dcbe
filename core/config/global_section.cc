// The `global:` block: keys the core and first-party plugins own, PHPeek PM keys kept for old
// files, and everything else set aside for plugins to claim (see ReportUnknownGlobalKeys).
#include <algorithm>

#include "core/config/byte_size.h"
#include "core/config/duration.h"
#include "core/config/logging_section.h"
#include "core/config/sections.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

const std::vector<CompatKey>& GlobalCompatKeys() {
  static const std::vector<CompatKey> keys = {
      {"restart_backoff",
       "'restart_backoff' is a PHPeek PM key: read as restart_backoff_initial (the first delay; "
       "it doubles up to restart_backoff_max)"},
      {"health_check_interval",
       "'health_check_interval' is a PHPeek PM key that phpeek-pm does not use: set "
       "health_check.period per process; ignored"},
      {"log_timestamps",
       "'log_timestamps' is a PHPeek PM key that phpeek-pm does not use: log lines always carry "
       "a timestamp; ignored"},
  };
  return keys;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// 0 = any free port; the listener logs the port it bound.
KeyHandler Port(Reader& r, const char* key, int* out) {
  return {key, [&r, out](const Node& v, P p) { r.Int(v, p, 0, 65535, out); }};
}

KeyHandler NonEmptyText(Reader& r, const char* key, std::string* out) {
  return {key, [&r, out](const Node& v, P p) {
            std::string text;
            if (!r.Text(v, p, &text)) return;
            if (text.empty()) {
              r.ValueError(v, p, "must not be empty");
            } else {
              *out = text;
            }
          }};
}

void ReadReadiness(Reader& r, const Node& node, P path, Readiness* out) {
  r.Map(node, path,
        {
            {"enabled", [&](const Node& v, P p) { r.Bool(v, p, &out->enabled); }},
            NonEmptyText(r, "path", &out->path),
            {"mode",
             [&](const Node& v, P p) {
               r.Choice<ReadinessMode>(v, p,
                                       {{"all_healthy", ReadinessMode::kAllHealthy},
                                        {"all_running", ReadinessMode::kAllRunning}},
                                       &out->mode);
             }},
            {"processes",
             [&](const Node& v, P p) { r.StringList(v, p, &out->processes, &out->processes_pos); }},
        });
}

std::vector<KeyHandler> ApiHandlers(Reader& r, GlobalSpec* g) {
  return {
      {"api_enabled", [&r, g](const Node& v, P p) { r.Bool(v, p, &g->api_enabled); }},
      NonEmptyText(r, "api_host", &g->api_host),
      Port(r, "api_port", &g->api_port),
      NonEmptyText(r, "api_socket", &g->api_socket),
      {"api_auth",
       [&r, g](const Node& v, P p) {
         // Empty means no auth, so `api_auth: ${TOKEN:-}` turns auth on only when TOKEN is set.
         std::string token;
         if (r.Text(v, p, &token) && !token.empty()) g->api_auth = token;
       }},
      {"api_max_request_body",
       [&r, g](const Node& v, P p) {
         std::string text, err;
         if (!r.Text(v, p, &text)) return;
         int64_t bytes = 0;
         if (!ParseByteSize(text, &bytes, &err) || bytes < 1024 || bytes > 64 * 1024 * 1024) {
           r.ValueError(v, p, "invalid size '" + text + "'" + (err.empty() ? "" : ": " + err),
                        "a number of bytes between 1024 and 64MiB, e.g. 65536 or 64KiB");
           return;
         }
         g->api_max_request_body = bytes;
       }},
      {"metrics_enabled", [&r, g](const Node& v, P p) { r.Bool(v, p, &g->metrics_enabled); }},
      NonEmptyText(r, "metrics_host", &g->metrics_host),
      Port(r, "metrics_port", &g->metrics_port),
      {"metrics_path",
       [&r, g](const Node& v, P p) {
         std::string text;
         if (!r.Text(v, p, &text)) return;
         if (text.empty() || text[0] != '/') {
           r.ValueError(v, p, "'" + text + "' must start with '/'", "metrics_path: /metrics");
         } else {
           g->metrics_path = text;
         }
       }},
  };
}

std::vector<KeyHandler> CoreHandlers(Reader& r, GlobalSpec* g, const Node** backoff_max) {
  return {
      {"shutdown_timeout", [&r, g](const Node& v, P p) { r.Duration(v, p, &g->shutdown_timeout); }},
      {"log_format",
       [&r, g](const Node& v, P p) {
         r.Choice<LogFormat>(v, p, {{"json", LogFormat::kJson}, {"text", LogFormat::kText}},
                             &g->log_format);
       }},
      {"log_level",
       [&r, g](const Node& v, P p) {
         r.Choice<LogLevel>(v, p,
                            {{"debug", LogLevel::kDebug},
                             {"info", LogLevel::kInfo},
                             {"warn", LogLevel::kWarn},
                             {"error", LogLevel::kError}},
                            &g->log_level);
       }},
      {"restart_policy",
       [&r, g](const Node& v, P p) {
         r.Choice<RestartPolicy>(v, p,
                                 {{"always", RestartPolicy::kAlways},
                                  {"on-failure", RestartPolicy::kOnFailure},
                                  {"never", RestartPolicy::kNever}},
                                 &g->restart_policy);
       }},
      {"max_restart_attempts",
       [&r, g](const Node& v, P p) { r.Int(v, p, 0, 1000000, &g->max_restart_attempts); }},
      {"restart_backoff_initial",
       [&r, g](const Node& v, P p) { r.Duration(v, p, &g->restart_backoff_initial); }},
      {"restart_backoff_max",
       [&r, g, backoff_max](const Node& v, P p) {
         if (r.Duration(v, p, &g->restart_backoff_max)) *backoff_max = &v;
       }},
      {"min_uptime", [&r, g](const Node& v, P p) { r.Duration(v, p, &g->min_uptime); }},
      {"max_process_scale",
       [&r, g](const Node& v, P p) { r.Int(v, p, 1, 100000, &g->max_process_scale); }},
      {"schedule_history_size",
       [&r, g](const Node& v, P p) { r.Int(v, p, 1, 10000, &g->schedule_history_size); }},
      NonEmptyText(r, "plugin_dir", &g->plugin_dir),
      {"plugins", [&r, g](const Node& v, P p) { r.StringList(v, p, &g->plugins); }},
      {"readiness", [&r, g](const Node& v, P p) { ReadReadiness(r, v, p, &g->readiness); }},
  };
}

// restart_backoff (PHPeek PM) is the first delay, unless restart_backoff_initial is set too.
void ApplyLegacyBackoff(Reader& r, const Node& node, GlobalSpec* g) {
  const MapEntry* legacy = nullptr;
  bool has_initial = false;
  for (const auto& e : node.entries) {
    if (e.key == "restart_backoff" && legacy == nullptr) legacy = &e;
    if (e.key == "restart_backoff_initial") has_initial = true;
  }
  if (legacy == nullptr || has_initial) return;
  r.Duration(*legacy->value, "global.restart_backoff", &g->restart_backoff_initial);
}

}  // namespace

const std::vector<std::string>& KnownGlobalKeys() {
  static const std::vector<std::string> keys = {"shutdown_timeout",
                                                "log_format",
                                                "log_level",
                                                "restart_policy",
                                                "max_restart_attempts",
                                                "restart_backoff_initial",
                                                "restart_backoff_max",
                                                "min_uptime",
                                                "max_process_scale",
                                                "plugin_dir",
                                                "plugins",
                                                "readiness",
                                                "api_enabled",
                                                "api_host",
                                                "api_port",
                                                "api_socket",
                                                "api_auth",
                                                "api_max_request_body",
                                                "metrics_enabled",
                                                "metrics_host",
                                                "metrics_port",
                                                "metrics_path",
                                                "log_buffer_lines",
                                                "log_buffer_bytes",
                                                "log_buffer_total_bytes",
                                                "schedule_history_size"};
  return keys;
}

void ReadGlobal(Reader& r, const Node& node, GlobalSpec* out,
                std::vector<UnknownGlobalKey>* unknown) {
  const Node* backoff_max = nullptr;  // the value read, for the comparison below
  std::vector<KeyHandler> handlers = CoreHandlers(r, out, &backoff_max);
  for (auto& h : ApiHandlers(r, out)) handlers.push_back(std::move(h));
  for (auto& h : LogBufferHandlers(r, out)) handlers.push_back(std::move(h));
  r.Map(node, "global", handlers, GlobalCompatKeys(),
        [&](const MapEntry& entry, const std::string& closest) {
          unknown->push_back({entry.key, entry.key_pos, closest, entry.value->env_origin});
        });
  ApplyLegacyBackoff(r, node, out);
  if (out->restart_backoff_max < out->restart_backoff_initial) {
    const std::string message = "restart_backoff_max (" + FormatDuration(out->restart_backoff_max) +
                                ") is smaller than restart_backoff_initial (" +
                                FormatDuration(out->restart_backoff_initial) + ")";
    if (backoff_max) {
      r.ValueError(*backoff_max, "global.restart_backoff_max", message);
    } else {
      r.Error({}, "global.restart_backoff_max", message);
    }
  }
  if (out->api_enabled && !out->api_auth && !IsLoopback(out->api_host)) {
    SourcePos pos;
    for (const auto& e : node.entries) {
      if (e.key == "api_host") pos = e.value->pos;
    }
    r.Warning(pos, "global.api_host",
              "the API listens on " + out->api_host +
                  " without authentication: anyone who can "
                  "reach it can stop your processes",
              "set api_auth to a secret token, or api_host: 127.0.0.1");
  }
}

}  // namespace phpeek::config
