// How the Management API uses the plugins' HTTP server (plugins/common/http): its endpoints
// (api_host:api_port, and api_socket), its limits and deadlines, and the JSON look of the answers
// the server makes itself (a refused or timed-out request, 503 when every connection is busy).
//
// Policy: a request must arrive whole within 5 s of its first byte (else 408, nothing runs); a
// connection may stay idle 5 s (new, or between keep-alive requests); an answer must be taken
// within 5 s; at most 128 connections, the one waiting longest for its client making room; 8
// workers, all at nice 19 like the I/O thread, so that a busy API does not delay supervision.
#pragma once

#include "plugins/common/http/response_text.h"
#include "plugins/common/http/server.h"
#include "plugins/rest-api/settings.h"

namespace phpeek::rest {

// Cache-Control: no-store on every answer; errors as {"error": ..., "detail": ...}, 503 for a
// full server as {"error":"too many connections", ...}.
http::ResponseDefaults ApiResponseDefaults();

http::ServerOptions ApiServerOptions(const Settings& settings);

}  // namespace phpeek::rest
