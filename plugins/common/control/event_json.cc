#include "plugins/common/control/event_json.h"

#include <time.h>

#include <cstdio>
#include <string_view>

#include "phpeek/json.hpp"
#include "plugins/common/http/json_string.h"

namespace phpeek::control {
namespace {

void AppendDetail(std::string* out, const char* detail_json) {
  if (detail_json == nullptr) return;
  json::Document doc;
  if (!doc.Parse(detail_json) || !doc.root().is_object()) return;
  for (const json::Member m : doc.root().members()) {
    if (m.key == "schema" || m.key == "instance" || m.key == "global") continue;
    out->push_back(',');
    http::AppendJsonString(out, m.key);
    out->push_back(':');
    out->append(m.value.text());
  }
}

}  // namespace

std::string UtcTimestamp(int64_t unix_ms) {
  const int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  const time_t secs = static_cast<time_t>((unix_ms - ms) / 1000);
  struct tm tm {};
  ::gmtime_r(&secs, &tm);
  char buffer[40];
  const size_t n = ::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buffer + n, sizeof(buffer) - n, ".%03dZ", static_cast<int>(ms));
  return buffer;
}

std::string EventJson(const phpeek_event& ev) {
  std::string out = "{\"seq\":" + std::to_string(ev.seq) + ",\"time\":\"" +
                    UtcTimestamp(ev.unix_ms) + "\",\"type\":";
  http::AppendJsonString(&out, phpeek_event_type_name(ev.type));
  out += ",\"process\":";
  http::AppendJsonString(&out, ev.process ? ev.process : "");
  out += ",\"instance\":";
  http::AppendJsonString(&out, ev.instance ? ev.instance : "");
  if (ev.pid > 0) out += ",\"pid\":" + std::to_string(ev.pid);
  if (ev.dropped > 0) out += ",\"dropped\":" + std::to_string(ev.dropped);
  AppendDetail(&out, ev.detail_json);
  out.push_back('}');
  return out;
}

}  // namespace phpeek::control
