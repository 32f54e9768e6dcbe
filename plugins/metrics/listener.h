// The metrics listener: the plugins' HTTP server (plugins/common/http) on metrics_host:
// metrics_port, answering the routes of routes.h with one shared reading per burst of scrapes
// (shared_scrape.h).
//
// Policy, so that no client can hold a scrape back by doing nothing (Prometheus gives up after
// 10 s): a connection without a request byte is closed after 15 s (keep-alive included); once a
// request's first byte arrives its whole head must arrive within 5 s (else 408); an answer must be
// taken within 10 s; at most 64 connections, the one that has waited longest for its client making
// room for a new one; request heads up to 8 KiB (431 beyond); request bodies are never read (a
// request with one is answered, then its connection closes). Two workers: a /health probe is
// answered while a scrape runs, and scrapes run one at a time.
//
// Threads: Start and Stop on one thread (the daemon's main thread); the scrape and log
// callbacks run on the server's threads.
#pragma once

#include <memory>
#include <string>

#include "plugins/common/http/server.h"
#include "plugins/common/security/listener_security.h"
#include "plugins/metrics/routes.h"
#include "plugins/metrics/shared_scrape.h"

namespace phpeek::metrics {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 9090;  // 0 picks a free port (see bound_port())
  std::string metrics_path = "/metrics";
  // The policy above; tests shorten the deadlines.
  http::ConnectionTimeouts timeouts = DefaultTimeouts();
  int max_connections = 64;
  // metrics_tls and metrics_acl (listener_security.h); unset: plain, every client. Outlives the
  // listener.
  security::ListenerSecurity* security = nullptr;

  static http::ConnectionTimeouts DefaultTimeouts();
};

class MetricsListener {
 public:
  // `log`: what the server reports (accept() failing at the descriptor limit, and recovering).
  explicit MetricsListener(ScrapeFn scrape, http::ServerLog log = {});
  ~MetricsListener();  // calls Stop()
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  // Binds and starts serving. On failure returns false with the reason (naming the address).
  bool Start(const ListenerOptions& options, std::string* err);
  // Stops accepting, closes every connection and joins the server's threads. Idempotent.
  void Stop();
  int bound_port() const { return bound_port_; }
  // The bound address as host:port ("127.0.0.1:9090", "[::1]:9090").
  const std::string& bound_address() const { return bound_address_; }

 private:
  SharedScrape scrape_;
  http::ServerLog log_;
  std::unique_ptr<http::Server> server_;
  int bound_port_ = 0;
  std::string bound_address_;
};

}  // namespace phpeek::metrics
