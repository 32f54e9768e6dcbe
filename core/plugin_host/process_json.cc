#include "core/plugin_host/process_json.h"

#include "core/json/json_writer.h"
#include "core/schedule/job_json.h"

namespace phpeek::plugin_host {
namespace {

void WriteInstance(json::Writer* w, const InstanceStatus& i) {
  w->BeginObject();
  w->Key("id").String(i.id);
  w->Key("state").String(i.state);
  w->Key("pid").Int(i.pid);
  w->Key("started_at").Int(i.started_at);
  w->Key("restart_count").Int(i.restart_count);
  w->Key("last_exit_code").Int(i.last_exit_code);
  w->Key("last_signal").Int(i.last_signal);
  w->EndObject();
}

// The members of one process object, without the braces (shared by list and single form).
void WriteProcessMembers(json::Writer* w, const ProcessStatus& p) {
  w->Key("name").String(p.name);
  w->Key("state").String(p.state);
  w->Key("scale").Int(p.scale);
  w->Key("instances").BeginArray();
  for (const InstanceStatus& i : p.instances) WriteInstance(w, i);
  w->EndArray();
  if (p.job) schedule::WriteJobListMembers(w, *p.job);
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
