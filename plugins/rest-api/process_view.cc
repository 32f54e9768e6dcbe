#include "plugins/rest-api/process_view.h"

#include "phpeek/json.hpp"
#include "plugins/common/http/json_string.h"

namespace phpeek::rest {
namespace {

// A member of the host's snapshot; 0 or "" when absent or of another type.
int64_t IntField(const json::Value& v, std::string_view key) { return v[key].AsInt64().value; }

std::string_view StringField(const json::Value& v, std::string_view key) {
  return v[key].AsString().value;
}

void AppendKey(std::string* out, std::string_view key) {
  http::AppendJsonString(out, key);
  out->push_back(':');
}

// ',"health":"healthy","ready":true' for an instance (health only when it has a check), ',"ready":
// true' for a process (lifecycle.md, "Health checks"). A 1.0 host tells neither: then neither is
// shown, rather than a "ready":false that nobody measured.
void AppendReadiness(const json::Value& v, std::string* out) {
  const auto health = v["health"].AsString();
  if (health.ok()) {
    out->push_back(',');
    AppendKey(out, "health");
    http::AppendJsonString(out, health.value);
  }
  const auto ready = v["ready"].AsBool();
  if (!ready.ok()) return;
  out->push_back(',');
  AppendKey(out, "ready");
  out->append(ready.value ? "true" : "false");
}

void AppendInstance(const json::Value& inst, std::string* out) {
  out->push_back('{');
  AppendKey(out, "id");
  http::AppendJsonString(out, StringField(inst, "id"));
  out->push_back(',');
  AppendKey(out, "state");
  http::AppendJsonString(out, StringField(inst, "state"));
  out->push_back(',');
  AppendKey(out, "pid");
  out->append(std::to_string(IntField(inst, "pid")));
  out->push_back(',');
  AppendKey(out, "started_at");
  out->append(std::to_string(IntField(inst, "started_at")));
  out->push_back(',');
  AppendKey(out, "restart_count");
  out->append(std::to_string(IntField(inst, "restart_count")));
  if (const int64_t reloads = IntField(inst, "reloads"); reloads > 0) {  // once it was reloaded
    out->push_back(',');
    AppendKey(out, "reloads");
    out->append(std::to_string(reloads));
  }
  const std::string_view reason = StringField(inst, "reason");  // ABI 1.1; absent when none
  if (!reason.empty()) {
    out->push_back(',');
    AppendKey(out, "reason");
    http::AppendJsonString(out, reason);
  }
  AppendReadiness(inst, out);
  // How a oneshot's run ended (`start --wait` answers with it): only once it has ended.
  const std::string_view state = StringField(inst, "state");
  const int64_t exit_code = inst["last_exit_code"].AsInt64().value_or(-1);
  if ((state == "completed" || state == "failed") && exit_code >= 0) {
    out->push_back(',');
    AppendKey(out, "last_exit_code");
    out->append(std::to_string(exit_code));
  }
  out->push_back('}');
}

// A scheduled job's members (lifecycle.md, "Scheduled jobs"), as the host wrote them (the
// document was parsed strictly, so each value's text is valid JSON).
void AppendJobMembers(const json::Value& proc, std::string* out) {
  if (proc["type"].AsString().value != "scheduled") return;
  for (const char* key : {"type", "schedule", "schedule_state", "next_run", "last_run",
                          "last_exit_code", "run_count"}) {
    const json::Value v = proc[key];
    if (v.missing()) continue;
    out->push_back(',');
    AppendKey(out, key);
    out->append(v.text());
  }
}

// ',"waiting_for":["php-fpm"]' while instances wait for dependencies (ABI 1.1), ',"reason":"..."'
// while the process is blocked; nothing otherwise.
void AppendDependencies(const json::Value& proc, std::string* out) {
  const json::Value waiting_for = proc["waiting_for"];
  if (!waiting_for.items().empty()) {
    out->push_back(',');
    AppendKey(out, "waiting_for");
    out->push_back('[');
    bool first = true;
    for (const json::Value name : waiting_for.items()) {
      if (!name.AsString().ok()) continue;
      if (!first) out->push_back(',');
      first = false;
      http::AppendJsonString(out, name.AsString().value);
    }
    out->push_back(']');
  }
  const std::string_view reason = StringField(proc, "reason");
  if (reason.empty()) return;
  out->push_back(',');
  AppendKey(out, "reason");
  http::AppendJsonString(out, reason);
}

// ',"config_test":{"runs":N,"error":"..."}' for a process with a config_test (ABI 1.1).
void AppendConfigTest(const json::Value& proc, std::string* out) {
  const json::Value test = proc["config_test"];
  if (!test.is_object()) return;
  out->push_back(',');
  AppendKey(out, "config_test");
  out->push_back('{');
  AppendKey(out, "runs");
  out->append(std::to_string(IntField(test, "runs")));
  const std::string_view error = StringField(test, "error");
  if (!error.empty()) {
    out->push_back(',');
    AppendKey(out, "error");
    http::AppendJsonString(out, error);
  }
  out->push_back('}');
}

void AppendProcess(const json::Value& proc, std::string* out) {
  out->push_back('{');
  AppendKey(out, "name");
  http::AppendJsonString(out, StringField(proc, "name"));
  out->push_back(',');
  AppendKey(out, "state");
  http::AppendJsonString(out, StringField(proc, "state"));
  out->push_back(',');
  AppendKey(out, "scale");
  out->append(std::to_string(IntField(proc, "scale")));
  AppendReadiness(proc, out);
  AppendDependencies(proc, out);
  out->push_back(',');
  AppendKey(out, "instances");
  out->push_back('[');
  bool first = true;
  for (const json::Value inst : proc["instances"].items()) {
    if (!first) out->push_back(',');
    first = false;
    AppendInstance(inst, out);
  }
  out->push_back(']');
  AppendConfigTest(proc, out);
  const std::string_view type = StringField(proc, "type");  // ABI 1.1
  if (type == "scheduled") {
    AppendJobMembers(proc, out);
  } else if (!type.empty()) {
    out->push_back(',');
    AppendKey(out, "type");
    http::AppendJsonString(out, type);
  }
  out->push_back('}');
}

bool ParseObject(std::string_view host_json, json::Document* doc, std::string* err) {
  if (!doc->Parse(host_json, err)) {
    *err = "the daemon sent an unreadable snapshot (" + *err + ")";
    return false;
  }
  if (!doc->root().is_object()) {
    *err = "the daemon sent a snapshot that is not a JSON object";
    return false;
  }
  return true;
}

}  // namespace

bool RenderProcessList(std::string_view host_json, std::string* out, std::string* err) {
  json::Document doc;
  if (!ParseObject(host_json, &doc, err)) return false;
  const json::Value processes = doc.root()["processes"];
  if (!processes.is_array()) {
    *err = "the daemon sent a snapshot without a \"processes\" array";
    return false;
  }
  out->assign("{\"processes\":[");
  bool first = true;
  for (const json::Value proc : processes.items()) {
    if (!first) out->push_back(',');
    first = false;
    AppendProcess(proc, out);
  }
  out->append("]}");
  return true;
}

bool RenderProcess(std::string_view host_json, std::string* out, std::string* err) {
  json::Document doc;
  if (!ParseObject(host_json, &doc, err)) return false;
  out->clear();
  AppendProcess(doc.root(), out);
  return true;
}

bool ReadDesiredScale(std::string_view host_json, int* scale, std::string* err) {
  json::Document doc;
  if (!ParseObject(host_json, &doc, err)) return false;
  *scale = static_cast<int>(IntField(doc.root(), "scale"));
  return true;
}

}  // namespace phpeek::rest
