#include "plugins/dashboard/server_options.h"

#include <string>
#include <utility>

#include "plugins/common/control/error_body.h"
#include "plugins/dashboard/page_assets.h"

namespace phpeek::dashboard {

http::ServerOptions DashboardServerOptions(
    const Settings& settings, std::function<std::unique_ptr<http::Transport>(int fd)> transport) {
  http::ServerOptions o;
  http::Endpoint endpoint;
  endpoint.host = settings.host;
  endpoint.port = settings.port;
  endpoint.setting = "dashboard_port";
  endpoint.make_transport = std::move(transport);
  o.endpoints.push_back(std::move(endpoint));
  o.limits.max_body = 16 * 1024;  // a token or a scale: nothing more is ever posted
  o.timeouts.idle = std::chrono::seconds(30);
  o.timeouts.request = std::chrono::seconds(5);
  o.timeouts.write = std::chrono::seconds(5);
  o.defaults.headers = {{"Cache-Control", "no-store"},
                        {"Content-Security-Policy", std::string(kContentSecurityPolicy)},
                        {"X-Content-Type-Options", "nosniff"},
                        {"X-Frame-Options", "DENY"},
                        {"Referrer-Policy", "no-referrer"}};
  o.defaults.render_error = [](int status, std::string_view detail) {
    return control::ErrorResponse(
        status, status == 503 ? "too many connections" : control::ErrorPhrase(status), detail);
  };
  o.max_connections = 128;
  o.workers = 4;
  o.lower_priority = true;  // serving pages never delays supervision
  return o;
}

}  // namespace phpeek::dashboard
