#include "plugins/rest-api/api_audit.h"

#include <vector>

#include "plugins/common/security/audit_line.h"
#include "plugins/rest-api/routes.h"

namespace phpeek::rest {

bool Audited(const http::HttpRequest& request, int status) {
  return request.method != "GET" || status == 401 || status == 403;
}

std::string ApiAuditLine(const http::HttpRequest& request, const std::string& client, int status) {
  security::AuditRecord r;
  r.listener = "api";
  r.actor = client;
  r.peer = request.peer;
  r.method = request.head ? "HEAD" : request.method;
  r.target = request.target;
  std::vector<std::string> segments;
  std::string err;
  if (SplitPath(request.target, &segments, &err)) {
    r.object = MatchRoute(request.method, segments).name;
  }
  r.status = status;
  return security::AuditLine(r);
}

}  // namespace phpeek::rest
