#include "core/reload/reload_result.h"

#include "core/json/json_writer.h"

namespace phpeek::reload {
namespace {

void Names(json::Writer* w, const char* key, const std::vector<std::string>& names) {
  w->Key(key).BeginArray();
  for (const std::string& n : names) w->String(n);
  w->EndArray();
}

}  // namespace

const char* ToString(ReloadStatus status) {
  switch (status) {
    case ReloadStatus::kReloaded:
      return "reloaded";
    case ReloadStatus::kInvalid:
      return "invalid";
    case ReloadStatus::kBusy:
    case ReloadStatus::kStopping:
    case ReloadStatus::kUnsupported:
      return "refused";
    case ReloadStatus::kTimeout:
      return "timeout";
  }
  return "unknown";
}

std::string ReloadJson(const ReloadResult& r) {
  json::Writer w;
  w.BeginObject().Key("status").String(ToString(r.status));
  if (r.status == ReloadStatus::kReloaded) {
    Names(&w, "added", r.added);
    Names(&w, "removed", r.removed);
    Names(&w, "restarted", r.restarted);
    Names(&w, "updated", r.updated);
    w.Key("unchanged").Int(static_cast<int64_t>(r.unchanged));
  } else if (r.status == ReloadStatus::kInvalid) {
    w.Key("message").String(r.message).Key("errors").BeginArray();
    for (const config::Diagnostic& d : r.errors) {
      w.BeginObject()
          .Key("file")
          .String(d.file)
          .Key("line")
          .Int(d.pos.line)
          .Key("column")
          .Int(d.pos.column)
          .Key("key")
          .String(d.key_path)
          .Key("message")
          .String(d.message)
          .Key("hint")
          .String(d.hint)
          .Key("text")
          .String(config::FormatText(d))
          .EndObject();
    }
    w.EndArray();
  } else {
    w.Key("reason").String(r.message);
  }
  w.EndObject();
  return w.str();
}

}  // namespace phpeek::reload
