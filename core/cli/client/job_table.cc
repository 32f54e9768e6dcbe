#include "core/cli/client/job_table.h"

#include <ctime>

#include "core/cli/client/json_members.h"
#include "core/cli/client/process_table.h"
#include "core/json/json_writer.h"
#include "phpeek/json.hpp"

namespace phpeek::cli::client {
namespace {

bool ParseDocument(const std::string& text, json::Document* doc, std::string* err) {
  std::string why;
  if (!doc->Parse(text, &why) || !doc->root().is_object()) {
    *err = "cannot read the daemon's answer" + (why.empty() ? "" : ": " + why);
    return false;
  }
  return true;
}

std::string TimeCell(const std::optional<int64_t>& t, int64_t now) {
  if (!t) return "-";
  return FormatLocalTime(*t) + " (" + FormatRelative(*t, now) + ")";
}

void IntOrNull(json::Writer* w, const char* key, const std::optional<int64_t>& v) {
  w->Key(key);
  if (v) {
    w->Int(*v);
  } else {
    w->Null();
  }
}

}  // namespace

bool ParseJobs(const std::string& text, std::vector<JobRow>* out, std::string* err) {
  json::Document doc;
  if (!ParseDocument(text, &doc, err)) return false;
  const json::Value processes = doc.root()["processes"];
  if (!processes.is_array()) {
    *err = "the daemon's answer has no \"processes\" list";
    return false;
  }
  out->clear();
  for (const json::Value p : processes.items()) {
    if (!p.is_object() || StringMember(p, "type") != "scheduled") continue;
    JobRow row;
    row.name = StringMember(p, "name");
    row.schedule = StringMember(p, "schedule");
    row.state = StringMember(p, "schedule_state");
    row.next_run = OptionalInt(p, "next_run");
    row.last_run = OptionalInt(p, "last_run");
    row.last_exit_code = OptionalInt(p, "last_exit_code");
    row.run_count = OptionalInt(p, "run_count").value_or(0);
    out->push_back(std::move(row));
  }
  return true;
}

std::string RenderJobTable(const std::vector<JobRow>& jobs, int64_t now) {
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "SCHEDULE", "STATE", "NEXT RUN", "LAST RUN", "LAST EXIT", "RUNS"}};
  for (const JobRow& j : jobs) {
    rows.push_back(
        {j.name, j.schedule, j.state, TimeCell(j.next_run, now), TimeCell(j.last_run, now),
         j.last_exit_code ? std::to_string(*j.last_exit_code) : "-", std::to_string(j.run_count)});
  }
  return RenderColumns(rows);
}

std::string JobsJson(const std::vector<JobRow>& jobs) {
  json::Writer w;
  w.BeginObject().Key("jobs").BeginArray();
  for (const JobRow& j : jobs) {
    w.BeginObject();
    w.Key("name").String(j.name);
    w.Key("schedule").String(j.schedule);
    w.Key("schedule_state").String(j.state);
    IntOrNull(&w, "next_run", j.next_run);
    IntOrNull(&w, "last_run", j.last_run);
    IntOrNull(&w, "last_exit_code", j.last_exit_code);
    w.Key("run_count").Int(j.run_count);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

bool FindRun(const std::string& text, int64_t id, std::optional<RunRow>* out, std::string* err) {
  json::Document doc;
  if (!ParseDocument(text, &doc, err)) return false;
  const json::Value runs = doc.root()["runs"];
  if (!runs.is_array()) {
    *err = "the daemon's answer has no \"runs\" list";
    return false;
  }
  out->reset();
  for (const json::Value r : runs.items()) {
    if (!r.is_object() || OptionalInt(r, "id") != id) continue;
    RunRow row;
    row.id = id;
    row.result = StringMember(r, "result");
    row.exit_code = OptionalInt(r, "exit_code");
    row.signal = OptionalInt(r, "signal");
    row.duration_ms = OptionalInt(r, "duration_ms");
    *out = row;
  }
  return true;
}

std::string FormatLocalTime(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  if (localtime_r(&t, &local) == nullptr) return std::to_string(unix_seconds);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

std::string FormatRelative(int64_t unix_seconds, int64_t now) {
  const int64_t delta = unix_seconds - now;
  const int64_t a = delta < 0 ? -delta : delta;
  if (a == 0) return "now";
  std::string amount;
  if (a < 60) {
    amount = std::to_string(a) + "s";
  } else if (a < 3600) {
    amount = std::to_string(a / 60) + "m";
  } else if (a < 86400) {
    amount = std::to_string(a / 3600) + "h";
  } else {
    amount = std::to_string(a / 86400) + "d";
  }
  return delta > 0 ? "in " + amount : amount + " ago";
}

}  // namespace phpeek::cli::client
