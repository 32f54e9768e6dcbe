// Which Management API requests global.audit_enabled logs, and the line
// (plugins/common/security/audit_line.h): every request that is not a read (GET, HEAD), whatever
// its answer, and every request refused for its credentials (401) or its address (403). The
// Authorization header is never looked at here.
#pragma once

#include <string>

#include "plugins/common/http/message.h"

namespace phpeek::rest {

bool Audited(const http::HttpRequest& request, int status);

// `client`: the address the access list saw (the forwarded one with trust_proxy).
std::string ApiAuditLine(const http::HttpRequest& request, const std::string& client, int status);

}  // namespace phpeek::rest
