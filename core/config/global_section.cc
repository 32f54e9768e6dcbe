// The `global:` block: keys the core owns, PHPeek PM keys kept for old files, and everything else
// set aside for the plugins' schemas (plugin_keys.h), the first-party plugins' keys included.
#include <algorithm>

#include "core/autotune/memory_threshold.h"
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

// One folder, or a search path: a list of folders, each searched in turn.
void ReadPluginDirs(Reader& r, const Node& node, P path, GlobalSpec* g) {
  std::vector<std::string> dirs;
  if (node.IsSequence()) {
    if (!r.StringList(node, path, &dirs)) return;
    g->plugin_dir_is_list = true;
  } else {
    std::string dir;
    if (!r.Text(node, path, &dir)) return;
    dirs.push_back(dir);
  }
  for (size_t i = 0; i < dirs.size(); ++i) {
    if (dirs[i].empty()) {
      r.ValueError(node.IsSequence() ? *node.items[i] : node,
                   node.IsSequence() ? ItemPath(path, i) : path, "must not be empty");
      return;
    }
  }
  g->plugin_dirs = std::move(dirs);
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
            {"content",
             [&](const Node& v, P p) {
               std::string text;
               if (r.Text(v, p, &text)) out->content = text;
             }},
        });
}

// A decimal share (YAML gives the text as written), checked as the command line's flag is.
void ReadThreshold(Reader& r, const Node& node, P path, double* out) {
  std::string text, error;
  if (!r.Text(node, path, &text)) return;
  if (!autotune::ParseMemoryThreshold(text, out, &error)) r.ValueError(node, path, error);
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
      {"plugin_dir", [&r, g](const Node& v, P p) { ReadPluginDirs(r, v, p, g); }},
      {"plugins", [&r, g](const Node& v, P p) { r.StringList(v, p, &g->plugins); }},
      {"readiness", [&r, g](const Node& v, P p) { ReadReadiness(r, v, p, &g->readiness); }},
      {"plugin_isolation",
       [&r, g](const Node& v, P p) { ReadPluginIsolation(r, v, p, &g->plugin_isolation); }},
      {"api_enabled", [&r, g](const Node& v, P p) { r.Bool(v, p, &g->api_enabled); }},
      {"metrics_enabled", [&r, g](const Node& v, P p) { r.Bool(v, p, &g->metrics_enabled); }},
      {"dashboard_enabled", [&r, g](const Node& v, P p) { r.Bool(v, p, &g->dashboard_enabled); }},
      {"autotune_memory_threshold",
       [&r, g](const Node& v, P p) { ReadThreshold(r, v, p, &g->autotune_memory_threshold); }},
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

bool IsGlobalCompatKey(const std::string& key) {
  const auto& compat = GlobalCompatKeys();
  return std::any_of(compat.begin(), compat.end(),
                     [&](const CompatKey& c) { return key == c.key; });
}

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
                                                "plugin_isolation",
                                                "api_enabled",
                                                "metrics_enabled",
                                                "dashboard_enabled",
                                                "log_buffer_lines",
                                                "log_buffer_bytes",
                                                "log_buffer_total_bytes",
                                                "schedule_history_size",
                                                "autotune_memory_threshold"};
  return keys;
}

void ReadGlobal(Reader& r, const Node& node, GlobalSpec* out,
                std::vector<const MapEntry*>* leftover) {
  const Node* backoff_max = nullptr;  // the value read, for the comparison below
  std::vector<KeyHandler> handlers = CoreHandlers(r, out, &backoff_max);
  for (auto& h : LogBufferHandlers(r, out)) handlers.push_back(std::move(h));
  r.Map(node, "global", handlers, GlobalCompatKeys(),
        [&](const MapEntry& entry, const std::string&) { leftover->push_back(&entry); });
  for (const std::string& key : out->deferred_keys) {
    out->deferred_pos.push_back(KeyPosition(node, key));
  }
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
}

}  // namespace phpeek::config
