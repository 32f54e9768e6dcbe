// The audit log line of a plugin's listener (audit_enabled): one JSON object per event, written
// through the host's log, for every mutating request and every refused one (a bad token, an
// address the access list refuses). It says who (the client's address, and the connection's when
// a proxy forwarded the request), what (method and path, without the query), on what (a process
// name, or "") and how it ended (the status and a word). It never holds a credential: callers pass
// nothing from the Authorization header, and the query string, where a client might put one, is
// left out.
//
//   {"audit":"api","actor":"10.0.0.7","peer":"10.0.0.1","action":"POST /api/v1/processes/web/stop",
//    "target":"web","status":202,"result":"ok"}
#pragma once

#include <string>

namespace phpeek::security {

struct AuditRecord {
  std::string listener;  // "api", "metrics", "dashboard"
  std::string actor;     // the client's address ("" for a Unix socket)
  std::string peer;      // the connection's address when it differs from actor (a proxy)
  std::string method;
  std::string target;  // the request-target; its query is dropped
  std::string object;  // what was acted on ("web"), or ""
  int status = 0;
};

// "ok" (2xx, 3xx), "unauthorized" (401), "denied" (403), "failed" (anything else).
const char* AuditResult(int status);

std::string AuditLine(const AuditRecord& record);

}  // namespace phpeek::security
