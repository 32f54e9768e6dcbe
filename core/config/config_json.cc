#include "core/config/config_json.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/config/logging_section.h"
#include "core/config/sections.h"

namespace phpeek::config {
namespace {

bool IsPlainInteger(const std::string& s) {
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (i == s.size() || s.size() > 18) return false;
  if (s[i] == '0' && s.size() > i + 1) return false;  // JSON has no leading zeros
  return std::all_of(s.begin() + static_cast<long>(i), s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

void WriteReadiness(const Readiness& rd, json::Writer* w) {
  w->BeginObject();
  w->Key("enabled").Bool(rd.enabled);
  w->Key("path").String(rd.path);
  w->Key("mode").String(rd.mode == ReadinessMode::kAllHealthy ? "all_healthy" : "all_running");
  w->Key("processes").BeginArray();
  for (const auto& p : rd.processes) w->String(p);
  w->EndArray().EndObject();
}

void WriteKnown(const GlobalSpec& g, json::Writer* w) {
  w->Key("shutdown_timeout").Int(g.shutdown_timeout.count());
  w->Key("log_format").String(ToString(g.log_format));
  w->Key("log_level").String(ToString(g.log_level));
  w->Key("restart_policy").String(ToString(g.restart_policy));
  w->Key("max_restart_attempts").Int(g.max_restart_attempts);
  w->Key("restart_backoff_initial").Int(g.restart_backoff_initial.count());
  w->Key("restart_backoff_max").Int(g.restart_backoff_max.count());
  w->Key("min_uptime").Int(g.min_uptime.count());
  w->Key("max_process_scale").Int(g.max_process_scale);
  w->Key("schedule_history_size").Int(g.schedule_history_size);
  // As written: one folder stays a string (its 1.0 type), a list is an array.
  if (g.plugin_dir_is_list) {
    w->Key("plugin_dir").BeginArray();
    for (const auto& d : g.plugin_dirs) w->String(d);
    w->EndArray();
  } else if (!g.plugin_dirs.empty()) {
    w->Key("plugin_dir").String(g.plugin_dirs.front());
  }
  w->Key("plugins").BeginArray();
  for (const auto& p : g.plugins) w->String(p);
  w->EndArray();
  w->Key("readiness");
  WriteReadiness(g.readiness, w);
  w->Key("plugin_isolation").BeginObject();
  for (const auto& i : g.plugin_isolation) {
    w->Key(i.plugin).String(i.mode == IsolationMode::kProcess ? "process" : "in_process");
  }
  w->EndObject();
  w->Key("api_enabled").Bool(g.api_enabled);
  w->Key("metrics_enabled").Bool(g.metrics_enabled);
  w->Key("dashboard_enabled").Bool(g.dashboard_enabled);
  WriteLogBufferJson(g, w);
}

}  // namespace

void WriteAsWritten(Reader& r, const Node& node, const std::string& path, json::Writer* w) {
  switch (node.kind) {
    case Node::Kind::kNull:
      w->Null();
      return;
    case Node::Kind::kSequence:
      w->BeginArray();
      for (size_t i = 0; i < node.items.size(); ++i) {
        WriteAsWritten(r, *node.items[i], ItemPath(path, i), w);
      }
      w->EndArray();
      return;
    case Node::Kind::kMap: {
      w->BeginObject();
      std::set<std::string> seen;  // a duplicate key is reported elsewhere; JSON gets the first
      for (const auto& e : node.entries) {
        if (!seen.insert(e.key).second) continue;
        w->Key(e.key);
        WriteAsWritten(r, *e.value, JoinPath(path, e.key), w);
      }
      w->EndObject();
      return;
    }
    case Node::Kind::kScalar:
      break;
  }
  std::string text;
  if (!r.Text(node, path, &text)) text = node.scalar;
  if (!node.quoted && IsPlainInteger(text)) {
    w->Int(std::stoll(text));
  } else if (!node.quoted && (text == "true" || text == "false")) {
    w->Bool(text == "true");
  } else {
    w->String(text);
  }
}

std::string RenderGlobalJson(Reader& r, const GlobalSpec& spec, const Node& global,
                             const std::vector<std::pair<std::string, std::string>>& plugin_keys) {
  json::Writer w;
  w.BeginObject();
  WriteKnown(spec, &w);
  std::set<std::string> seen;
  for (const auto& e : global.entries) {
    if (!IsGlobalCompatKey(e.key) || !seen.insert(e.key).second) continue;
    w.Key(e.key);
    WriteAsWritten(r, *e.value, JoinPath("global", e.key), &w);
  }
  for (const auto& [key, value] : plugin_keys) w.Key(key).Raw(value);
  w.EndObject();
  return w.Take();
}

}  // namespace phpeek::config
