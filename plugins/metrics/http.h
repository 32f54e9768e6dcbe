// The metrics HTTP listener: GET <metrics_path> serves the exposition, GET /health answers 200.
//
// Built on Poco::Net::HTTPServer (thread per connection) with its own bounded thread pool, so
// Stop() can join every thread it started before the plugin's stop() returns. The listening
// socket is bound without SO_REUSEPORT (Poco 1.11's ServerSocket(SocketAddress) would set it,
// letting a second daemon silently share the port) and marked close-on-exec so it does not leak
// into the supervised children.
//
// Threads: Start and Stop on one thread (the daemon's main thread); the scrape callback runs on
// the pool's threads, up to kMaxThreads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace phpeek::metrics {

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 9090;  // 0 picks a free port (see bound_port())
  std::string metrics_path = "/metrics";
};

class HttpServer {
 public:
  static constexpr int kMaxThreads = 4;
  static constexpr int kMaxQueued = 16;

  using ScrapeFn = std::function<HttpResponse()>;

  explicit HttpServer(ScrapeFn scrape);
  ~HttpServer();  // calls Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. On failure returns false with the reason (naming the address).
  bool Start(const HttpOptions& options, std::string* err);
  // Stops accepting, aborts open connections and joins every server thread. Idempotent.
  void Stop();
  int bound_port() const { return bound_port_; }

 private:
  struct Impl;
  ScrapeFn scrape_;
  std::unique_ptr<Impl> impl_;
  int bound_port_ = 0;
};

}  // namespace phpeek::metrics
