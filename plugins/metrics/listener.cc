#include "plugins/metrics/listener.h"

#include <optional>
#include <utility>

namespace phpeek::metrics {

http::ConnectionTimeouts ListenerOptions::DefaultTimeouts() {
  http::ConnectionTimeouts t;
  t.idle = std::chrono::seconds(15);
  t.request = std::chrono::seconds(5);
  t.write = std::chrono::seconds(10);
  t.linger = std::chrono::seconds(2);
  return t;
}

MetricsListener::MetricsListener(ScrapeFn scrape, http::ServerLog log)
    : scrape_(std::move(scrape)), log_(std::move(log)) {}

MetricsListener::~MetricsListener() { Stop(); }

bool MetricsListener::Start(const ListenerOptions& options, std::string* err) {
  if (server_) return true;
  http::ServerOptions o;
  o.endpoints.push_back(http::Endpoint{options.host, options.port, "", "metrics_port", {}});
  security::ListenerSecurity* security = options.security;
  if (security) o.endpoints.back().make_transport = security->TransportFactory();
  o.limits.max_request_line = 8192;
  o.limits.max_head = 8192;
  o.limits.bodies = http::BodyPolicy::kSkip;
  o.timeouts = options.timeouts;
  o.max_connections = options.max_connections;
  o.workers = 2;
  const std::string path = options.metrics_path;
  auto server = std::make_unique<http::Server>(
      std::move(o),
      [this, path, security](const HttpRequest& request) {
        if (security) {
          if (std::optional<HttpResponse> refused = security->Screen(request)) return *refused;
        }
        return Route(request, path, [&] { return scrape_.Get(request.received); });
      },
      log_);
  if (!server->Start(err)) return false;
  server_ = std::move(server);
  bound_port_ = server_->port();
  bound_address_ = server_->addresses().front();
  return true;
}

void MetricsListener::Stop() {
  if (!server_) return;
  server_->Stop();
  server_.reset();
}

}  // namespace phpeek::metrics
