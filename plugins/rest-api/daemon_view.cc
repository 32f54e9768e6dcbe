#include "plugins/rest-api/daemon_view.h"

#include <vector>

#include "phpeek/json.hpp"
#include "plugins/common/http/json_string.h"

namespace phpeek::rest {
namespace {

struct DaemonFacts {
  bool known = false;  // the document was readable and had "ready"
  bool ready = false;
  std::vector<std::string> waiting;
  std::vector<std::string> failed;
};

std::vector<std::string> Names(const json::Value& doc, std::string_view key) {
  std::vector<std::string> out;
  for (const json::Value v : doc[key].items()) {
    const auto name = v.AsString();
    if (name.ok()) out.emplace_back(name.value);
  }
  return out;
}

DaemonFacts Read(std::string_view host_json) {
  DaemonFacts facts;
  json::Document doc;
  if (host_json.empty() || !doc.Parse(host_json)) return facts;
  const auto ready = doc.root()["ready"].AsBool();
  if (!ready.ok()) return facts;
  facts.known = true;
  facts.ready = ready.value;
  facts.waiting = Names(doc.root(), "waiting");
  facts.failed = Names(doc.root(), "failed");
  return facts;
}

std::string StatusWithList(std::string_view status, std::string_view key,
                           const std::vector<std::string>& names) {
  std::string body = "{\"status\":";
  http::AppendJsonString(&body, status);
  body += ",";
  http::AppendJsonString(&body, key);
  body += ":[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) body += ",";
    http::AppendJsonString(&body, names[i]);
  }
  return body + "]}";
}

}  // namespace

DaemonView RenderReady(std::string_view host_json) {
  const DaemonFacts facts = Read(host_json);
  if (facts.known && facts.ready) return {200, "{\"status\":\"ready\"}"};
  return {503, StatusWithList("not ready", "waiting", facts.waiting)};
}

DaemonView RenderHealth(std::string_view host_json) {
  const DaemonFacts facts = Read(host_json);
  if (!facts.failed.empty()) return {503, StatusWithList("unhealthy", "failed", facts.failed)};
  return {200, "{\"status\":\"healthy\"}"};
}

}  // namespace phpeek::rest
