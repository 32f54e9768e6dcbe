// The bodies of GET /api/v1/ready and GET /api/v1/health, from the host's daemon_status document
// (plugin_abi.h: "ready", "waiting", "failed", ABI 1.1).
//   ready:  200 {"status":"ready"}, or 503 {"status":"not ready","waiting":["php-fpm"]}
//   health: 200 {"status":"healthy"} while the API answers and no process has been given up, else
//           503 {"status":"unhealthy","failed":["php-fpm"]}, so that a liveness probe (Docker
//           HEALTHCHECK, Kubernetes) restarts a container whose php-fpm will not come back.
#pragma once

#include <string>
#include <string_view>

namespace phpeek::rest {

struct DaemonView {
  int status = 200;
  std::string body;
};

// `host_json` empty: the host could not tell (an older host); then ready answers 503 and health
// keeps its old meaning (the API answers: 200).
DaemonView RenderReady(std::string_view host_json);
DaemonView RenderHealth(std::string_view host_json);

}  // namespace phpeek::rest
