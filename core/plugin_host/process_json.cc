#include "core/plugin_host/process_json.h"

#include "core/health/checker.h"
#include "core/json/json_writer.h"
#include "core/schedule/job_json.h"

namespace phpeek::plugin_host {
namespace {

void WriteHealthCheck(json::Writer* w, const HealthStatus& h) {
  w->Key("health").String(h.health);
  w->Key("health_check").BeginObject();
  w->Key("type").String(h.type).Key("mode").String(h.mode);
  w->Key("consecutive_failures").Int(h.consecutive_failures);
  w->Key("passed").Int(static_cast<int64_t>(h.passed));
  w->Key("failed").Int(static_cast<int64_t>(h.failed));
  w->Key("duration_seconds_sum").Double(h.duration_sum);
  w->Key("duration_seconds_buckets").BeginArray();
  const auto& bounds = health::CheckStats::kBuckets;
  for (size_t b = 0; b < bounds.size() && b < h.duration_buckets.size(); ++b) {
    w->BeginObject().Key("le").Double(bounds[b]);
    w->Key("count").Int(static_cast<int64_t>(h.duration_buckets[b])).EndObject();
  }
  w->EndArray();
  w->Key("last_failure").String(h.last_failure);
  w->EndObject();
}

void WriteInstance(json::Writer* w, const InstanceStatus& i) {
  w->BeginObject();
  w->Key("id").String(i.id);
  w->Key("state").String(i.state);
  w->Key("pid").Int(i.pid);
  w->Key("started_at").Int(i.started_at);
  w->Key("restart_count").Int(i.restart_count);
  w->Key("reloads").Int(i.reloads);
  w->Key("last_exit_code").Int(i.last_exit_code);
  w->Key("last_signal").Int(i.last_signal);
  w->Key("ready").Bool(i.ready);
  if (i.health) WriteHealthCheck(w, *i.health);
  if (!i.reason.empty()) w->Key("reason").String(i.reason);
  w->EndObject();
}

// The members of one process object, without the braces (shared by list and single form).
void WriteProcessMembers(json::Writer* w, const ProcessStatus& p) {
  w->Key("name").String(p.name);
  w->Key("state").String(p.state);
  w->Key("scale").Int(p.scale);
  w->Key("ready").Bool(p.ready);
  if (!p.waiting_for.empty()) {
    w->Key("waiting_for").BeginArray();
    for (const std::string& name : p.waiting_for) w->String(name);
    w->EndArray();
  }
  if (!p.reason.empty()) w->Key("reason").String(p.reason);
  w->Key("instances").BeginArray();
  for (const InstanceStatus& i : p.instances) WriteInstance(w, i);
  w->EndArray();
  if (p.php_fpm_status) {
    w->Key("php_fpm_status").BeginObject();
    w->Key("address").String(p.php_fpm_status->address);
    w->Key("path").String(p.php_fpm_status->path).EndObject();
  }
  if (p.config_test) {
    w->Key("config_test").BeginObject().Key("runs").Int(p.config_test->runs);
    if (!p.config_test->error.empty()) w->Key("error").String(p.config_test->error);
    w->EndObject();
  }
  if (p.job) {
    schedule::WriteJobListMembers(w, *p.job);  // "type": "scheduled" among them
  } else if (!p.type.empty()) {
    w->Key("type").String(p.type);
  }
}

}  // namespace

std::string ProcessListJson(const std::vector<ProcessStatus>& processes) {
  json::Writer w;
  w.BeginObject().Key("schema").Int(1).Key("processes").BeginArray();
  for (const ProcessStatus& p : processes) {
    w.BeginObject();
    WriteProcessMembers(&w, p);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

std::string ProcessJson(const ProcessStatus& process) {
  json::Writer w;
  w.BeginObject().Key("schema").Int(1);
  WriteProcessMembers(&w, process);
  w.EndObject();
  return w.Take();
}

}  // namespace phpeek::plugin_host
