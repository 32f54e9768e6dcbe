// The metrics HTTP listener: GET/HEAD <metrics_path> serves the exposition, GET/HEAD /health
// answers 200.
//
// One thread runs a poll() loop over the listening socket and every connection (see
// http_connection.h for the phases and their deadlines). Poco 1.11's HTTPServer could not be made
// safe here: it gives each connection a pool thread for the connection's whole life and its
// timeouts are per read (HTTPServerParams::setTimeout) or per idle wait (setKeepAliveTimeout), so
// four idle keep-alive clients, or four slow senders trickling a byte at a time, took every thread
// and made scrapes wait past Prometheus's 10 s timeout. Here a connection costs a descriptor and a
// few KB, not a thread: idle and slow clients cannot delay anyone, every request head must arrive
// within one deadline, and when max_connections are open the connection served longest ago is
// closed to make room, so a new scraper always gets in.
//
// accept() failing for lack of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) closes the
// connection served longest ago if there is one, else pauses accepting for accept_backoff; it is
// logged at once and then at most once a second with the number of failures.
//
// Scrapes run on the loop thread; requests for the metrics path handled in the same turn of the
// loop share one scrape (they arrived together, so one reading is as fresh for each of them).
//
// Threads: Start and Stop on one thread (the daemon's main thread); the scrape and warn callbacks
// run on the listener's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "plugins/metrics/http_connection.h"
#include "plugins/metrics/http_response.h"

namespace phpeek::metrics {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 9090;  // 0 picks a free port (see bound_port())
  std::string metrics_path = "/metrics";
  HttpLimits limits;
};

class HttpServer {
 public:
  using WarnFn = std::function<void(const std::string& message)>;

  explicit HttpServer(ScrapeFn scrape, WarnFn warn = {});
  ~HttpServer();  // calls Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. On failure returns false with the reason (naming the address).
  bool Start(const HttpOptions& options, std::string* err);
  // Stops accepting, closes every connection and joins the listener thread. Idempotent.
  void Stop();
  int bound_port() const { return bound_port_; }
  // The bound address as host:port ("127.0.0.1:9090", "[::1]:9090").
  const std::string& bound_address() const { return bound_address_; }

 private:
  class Loop;
  ScrapeFn scrape_;
  WarnFn warn_;
  std::unique_ptr<Loop> loop_;
  int bound_port_ = 0;
  std::string bound_address_;
};

}  // namespace phpeek::metrics
