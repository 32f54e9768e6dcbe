#include "plugins/rest-api/process_view.h"

#include "plugins/rest-api/json_value.h"

namespace phpeek::rest {
namespace {

int64_t IntField(const JsonValue& v, std::string_view key) {
  const JsonValue* f = v.Find(key);
  return f != nullptr && f->kind == JsonValue::Kind::kInteger ? f->integer : 0;
}

std::string_view StringField(const JsonValue& v, std::string_view key) {
  const JsonValue* f = v.Find(key);
  return f != nullptr && f->kind == JsonValue::Kind::kString ? std::string_view(f->string) : "";
}

void AppendKey(std::string* out, std::string_view key) {
  AppendJsonString(out, key);
  out->push_back(':');
}

void AppendInstance(const JsonValue& inst, std::string* out) {
  out->push_back('{');
  AppendKey(out, "id");
  AppendJsonString(out, StringField(inst, "id"));
  out->push_back(',');
  AppendKey(out, "state");
  AppendJsonString(out, StringField(inst, "state"));
  out->push_back(',');
  AppendKey(out, "pid");
  out->append(std::to_string(IntField(inst, "pid")));
  out->push_back(',');
  AppendKey(out, "started_at");
  out->append(std::to_string(IntField(inst, "started_at")));
  out->push_back(',');
  AppendKey(out, "restart_count");
  out->append(std::to_string(IntField(inst, "restart_count")));
  out->push_back('}');
}

void AppendProcess(const JsonValue& proc, std::string* out) {
  out->push_back('{');
  AppendKey(out, "name");
  AppendJsonString(out, StringField(proc, "name"));
  out->push_back(',');
  AppendKey(out, "state");
  AppendJsonString(out, StringField(proc, "state"));
  out->push_back(',');
  AppendKey(out, "scale");
  out->append(std::to_string(IntField(proc, "scale")));
  out->push_back(',');
  AppendKey(out, "instances");
  out->push_back('[');
  const JsonValue* instances = proc.Find("instances");
  if (instances != nullptr && instances->kind == JsonValue::Kind::kArray) {
    bool first = true;
    for (const JsonValue& inst : instances->array) {
      if (!first) out->push_back(',');
      first = false;
      AppendInstance(inst, out);
    }
  }
  out->append("]}");
}

bool ParseObject(std::string_view host_json, JsonValue* doc, std::string* err) {
  if (!ParseJson(host_json, doc, err)) {
    *err = "the daemon sent an unreadable snapshot (" + *err + ")";
    return false;
  }
  if (doc->kind != JsonValue::Kind::kObject) {
    *err = "the daemon sent a snapshot that is not a JSON object";
    return false;
  }
  return true;
}

}  // namespace

bool RenderProcessList(std::string_view host_json, std::string* out, std::string* err) {
  JsonValue doc;
  if (!ParseObject(host_json, &doc, err)) return false;
  const JsonValue* processes = doc.Find("processes");
  if (processes == nullptr || processes->kind != JsonValue::Kind::kArray) {
    *err = "the daemon sent a snapshot without a \"processes\" array";
    return false;
  }
  out->assign("{\"processes\":[");
  bool first = true;
  for (const JsonValue& proc : processes->array) {
    if (!first) out->push_back(',');
    first = false;
    AppendProcess(proc, out);
  }
  out->append("]}");
  return true;
}

bool RenderProcess(std::string_view host_json, std::string* out, std::string* err) {
  JsonValue doc;
  if (!ParseObject(host_json, &doc, err)) return false;
  out->clear();
  AppendProcess(doc, out);
  return true;
}

bool ReadDesiredScale(std::string_view host_json, int* scale, std::string* err) {
  JsonValue doc;
  if (!ParseObject(host_json, &doc, err)) return false;
  *scale = static_cast<int>(IntField(doc, "scale"));
  return true;
}

}  // namespace phpeek::rest
