#include "core/cli/client/log_text.h"

#include <cctype>
#include <cstdio>

#include "phpeek/json.hpp"

namespace phpeek::cli::client {
namespace {

std::string Text(const json::Value& v) { return std::string(v.AsString().value_or("")); }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Number(const json::Value& v) { return std::to_string(v.AsInt64().value_or(0)); }

bool Parse(std::string_view json, json::Document* doc, std::string* err) {
  if (!doc->Parse(json, err)) return false;
  if (!doc->root().is_object()) {
    *err = "not a JSON object";
    return false;
  }
  return true;
}

// "exit code 1", "signal 9", with what ended it when the daemon says.
std::string ExitText(const json::Value& e) {
  const int64_t signal = e["signal"].AsInt64().value_or(0);
  std::string text =
      signal > 0 ? "signal " + std::to_string(signal) : "exit code " + Number(e["exit_code"]);
  if (const std::string by = Text(e["ended_by"]); !by.empty()) text += " (" + by + ")";
  return text;
}

std::string Names(const json::Value& array) {
  std::string out;
  for (const json::Value v : array.items()) out += (out.empty() ? "" : ", ") + Text(v);
  return out;
}

std::string Duration(const json::Value& ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f s",
                static_cast<double>(ms.AsInt64().value_or(0)) / 1000);
  return buffer;
}

// What happened, for each event type; the members are those of the API's Event.
std::string What(const std::string& type, const json::Value& e) {
  if (type == "state_changed") return Text(e["old_state"]) + " -> " + Text(e["new_state"]);
  if (type == "spawned") return "spawned (pid " + Number(e["pid"]) + ")";
  if (type == "exited") return "exited: " + ExitText(e);
  if (type == "health_changed") {
    std::string text = "health " + Text(e["old_health"]) + " -> " + Text(e["new_health"]);
    if (const std::string reason = Text(e["reason"]); !reason.empty()) text += " (" + reason + ")";
    return text;
  }
  if (type == "hook_finished") {
    return Text(e["hook_type"]) + " hook '" + Text(e["hook"]) + "': " + Text(e["result"]) + " (" +
           ExitText(e) + ", " + Number(e["attempts"]) + " attempt(s), " +
           Duration(e["duration_ms"]) + ")";
  }
  if (type == "job_run_started") {
    return "run " + Number(e["run_id"]) + " started (" + Text(e["trigger"]) + ", pid " +
           Number(e["pid"]) + ")";
  }
  if (type == "job_run_finished") {
    return "run " + Number(e["run_id"]) + " finished: " + Text(e["result"]) + " (" + ExitText(e) +
           ", " + Duration(e["duration_ms"]) + ")";
  }
  if (type == "dependency_blocked") {
    return "blocked: " + Text(e["reason"]) + " (waiting for " + Names(e["waiting_for"]) + ")";
  }
  if (type == "config_reloaded") {
    const json::Value r = e["reload"];
    std::string text = "configuration reloaded";
    for (const char* what : {"added", "removed", "restarted", "updated"}) {
      if (r[what].size() > 0) text += std::string(", ") + what + ": " + Names(r[what]);
    }
    return text;
  }
  if (type == "shutting_down") return "shutting down";
  return type;
}

}  // namespace

bool FormatLogEntry(std::string_view json, std::string* line, std::string* err) {
  json::Document doc;
  if (!Parse(json, &doc, err)) return false;
  const json::Value e = doc.root();
  std::string level = Upper(Text(e["level"]));
  level.resize(std::max<size_t>(level.size(), 5), ' ');
  *line = Text(e["time"]) + " " + Text(e["instance"]) + " " + level + " " + Text(e["message"]);
  const json::Value fields = e["fields"];
  if (fields.is_object() && fields.size() > 0) *line += " " + std::string(fields.text());
  return true;
}

bool FormatEvent(std::string_view json, std::string* line, std::string* err) {
  json::Document doc;
  if (!Parse(json, &doc, err)) return false;
  const json::Value e = doc.root();
  std::string subject = Text(e["instance"]);
  if (subject.empty()) subject = Text(e["process"]);
  if (subject.empty()) subject = "daemon";
  *line = Text(e["time"]) + " " + subject + " " + What(Text(e["type"]), e);
  if (const int64_t dropped = e["dropped"].AsInt64().value_or(0); dropped > 0) {
    *line += " [" + std::to_string(dropped) + " earlier event(s) lost]";
  }
  return true;
}

}  // namespace phpeek::cli::client
