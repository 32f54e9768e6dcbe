#include "plugins/common/security/audit_line.h"

#include "plugins/common/http/json_string.h"
#include "plugins/common/http/message.h"

namespace phpeek::security {

const char* AuditResult(int status) {
  if (status >= 200 && status < 400) return "ok";
  if (status == 401) return "unauthorized";
  if (status == 403) return "denied";
  return "failed";
}

std::string AuditLine(const AuditRecord& r) {
  std::string line = "{\"audit\":";
  http::AppendJsonString(&line, r.listener);
  line += ",\"actor\":";
  http::AppendJsonString(&line, r.actor.empty() ? "unix" : r.actor);
  if (!r.peer.empty() && r.peer != r.actor) {
    line += ",\"peer\":";
    http::AppendJsonString(&line, r.peer);
  }
  std::string path(http::TargetPath(r.target));
  if (path.empty()) path = "?";
  line += ",\"action\":";
  http::AppendJsonString(&line, r.method + " " + path);
  line += ",\"target\":";
  http::AppendJsonString(&line, r.object);
  line += ",\"status\":" + std::to_string(r.status) + ",\"result\":";
  http::AppendJsonString(&line, AuditResult(r.status));
  line += "}";
  return line;
}

}  // namespace phpeek::security
