#include "core/cli/client/process_table.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "core/cli/client/json_members.h"
#include "phpeek/json.hpp"

namespace phpeek::cli::client {
namespace {

InstanceRow ToInstance(const json::Value& o) {
  InstanceRow row;
  row.id = StringMember(o, "id");
  row.state = StringMember(o, "state");
  row.pid = IntMember(o, "pid");
  row.started_at = Int64Member(o, "started_at");
  row.restart_count = Int64Member(o, "restart_count");
  row.reloads = Int64Member(o, "reloads");
  row.last_exit_code = static_cast<int>(o["last_exit_code"].AsInt64().value_or(-1));
  row.ready = o["ready"].AsBool().value_or(false);
  row.reason = StringMember(o, "reason");
  return row;
}

ProcessRow ToProcess(const json::Value& o) {
  ProcessRow row;
  row.config_test_runs = Int64Member(o["config_test"], "runs");
  row.config_test_error = StringMember(o["config_test"], "error");
  row.name = StringMember(o, "name");
  row.state = StringMember(o, "state");
  row.type = StringMember(o, "type");
  row.scale = IntMember(o, "scale");
  row.ready = o["ready"].AsBool().value_or(false);
  row.reason = StringMember(o, "reason");
  for (const json::Value name : o["waiting_for"].items()) {
    if (name.AsString().ok()) row.waiting_for.emplace_back(name.AsString().value);
  }
  for (const json::Value i : o["instances"].items()) {
    if (i.is_object()) row.instances.push_back(ToInstance(i));
  }
  return row;
}

bool ParseObject(const std::string& text, json::Document* doc, std::string* err) {
  std::string why;
  if (!doc->Parse(text, &why)) {
    *err = "cannot read the daemon's answer: " + why;
    return false;
  }
  if (!doc->root().is_object()) {
    *err = "the daemon's answer is not a JSON object";
    return false;
  }
  return true;
}

}  // namespace

bool ParseProcessList(const std::string& json, std::vector<ProcessRow>* out, std::string* err) {
  json::Document doc;
  if (!ParseObject(json, &doc, err)) return false;
  const json::Value processes = doc.root()["processes"];
  if (!processes.is_array()) {
    *err = "the daemon's answer has no \"processes\" list";
    return false;
  }
  out->clear();
  for (const json::Value p : processes.items()) {
    if (p.is_object()) out->push_back(ToProcess(p));
  }
  return true;
}

bool ParseProcess(const std::string& json, ProcessRow* out, std::string* err) {
  json::Document doc;
  if (!ParseObject(json, &doc, err)) return false;
  *out = ToProcess(doc.root());
  return true;
}

std::string FormatUptime(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  char buf[64];
  const int64_t days = seconds / 86400;
  const int64_t h = seconds / 3600 % 24;
  const int64_t m = seconds / 60 % 60;
  const int64_t s = seconds % 60;
  if (days > 0) {
    std::snprintf(buf, sizeof(buf), "%lldd %02lld:%02lld:%02lld", static_cast<long long>(days),
                  static_cast<long long>(h), static_cast<long long>(m), static_cast<long long>(s));
  } else {
    std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s));
  }
  return buf;
}

std::string RenderTable(const std::vector<ProcessRow>& processes, int64_t now) {
  std::vector<std::vector<std::string>> rows = {
      {"PROCESS", "INSTANCE", "STATE", "PID", "UPTIME", "RESTARTS"}};
  for (const ProcessRow& p : processes) {
    if (p.instances.empty()) rows.push_back({p.name, "-", p.state, "-", "-", "-"});
    for (const InstanceRow& i : p.instances) {
      const bool up = i.pid > 0 && (i.state == "running" || i.state == "starting");
      rows.push_back({p.name, i.id, i.state, i.pid > 0 ? std::to_string(i.pid) : "-",
                      up && i.started_at > 0 ? FormatUptime(now - i.started_at) : "-",
                      std::to_string(i.restart_count)});
    }
  }
  return RenderColumns(rows);
}

std::string RenderColumns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows.empty() ? 0 : rows[0].size(), 0);
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size() && c < width.size(); ++c) {
      width[c] = std::max(width[c], r[c].size());
    }
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      line += r[c];
      if (c + 1 < r.size() && c < width.size())
        line += std::string(width[c] - r[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace phpeek::cli::client
