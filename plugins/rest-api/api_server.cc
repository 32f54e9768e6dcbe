#include "plugins/rest-api/api_server.h"

#include "plugins/common/control/error_body.h"

namespace phpeek::rest {

http::ResponseDefaults ApiResponseDefaults() {
  http::ResponseDefaults d;
  d.headers = {{"Cache-Control", "no-store"}};
  // The server's only 503 is its overload answer.
  d.render_error = [](int status, std::string_view detail) {
    return control::ErrorResponse(
        status, status == 503 ? "too many connections" : control::ErrorPhrase(status), detail);
  };
  return d;
}

http::ServerOptions ApiServerOptions(const Settings& settings) {
  http::ServerOptions o;
  o.endpoints.push_back(http::Endpoint{settings.host, settings.port, "", "api_port", {}});
  if (!settings.socket_path.empty()) {
    o.endpoints.push_back(http::Endpoint{"", 0, settings.socket_path, "api_socket", {}});
  }
  o.limits.max_body = settings.max_request_body;
  o.timeouts.idle = std::chrono::seconds(5);
  o.timeouts.request = std::chrono::seconds(5);
  o.timeouts.write = std::chrono::seconds(5);
  o.defaults = ApiResponseDefaults();
  o.max_connections = 128;
  o.workers = 8;
  o.lower_priority = true;
  return o;
}

}  // namespace phpeek::rest
