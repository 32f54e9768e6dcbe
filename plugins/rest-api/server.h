// The API's HTTP server: Poco's HTTP connection handling on the plugin's own thread pool, fed by
// our own acceptor thread.
//
// Why our own acceptor instead of Poco::Net::HTTPServer: HTTPServer's acceptor wakes every 250 ms
// even when idle, leaves accepted sockets inheritable by children, and, once every thread holds a
// keep-alive connection, lets new connections starve in its queue or closes them without a word.
// Ours blocks in poll() until a connection or Stop() arrives, marks every socket close-on-exec,
// and applies this connection policy:
//  - up to max_connections connections are served at once (thread-per-connection, keep-alive);
//  - beyond that, up to overload_threads more threads answer each extra connection's request
//    with 503 {"error":"too many connections"} and Retry-After, then close it;
//  - when even those are busy and the queue is full, the acceptor writes the same 503 itself.
// Connection threads run at a lower CPU priority than the rest of the daemon (worker_priority.h),
// so that a busy API does not delay supervision. Slow or partial requests time out after
// request_timeout; idle keep-alive connections after keep_alive_timeout. Stop() closes the listeners, shuts down open connections and joins every
// thread before it returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "plugins/rest-api/http_message.h"

namespace phpeek::rest {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 9180;          // 0 = any free port (see Server::port())
  std::string socket_path;  // empty = no Unix socket
  int64_t max_request_body = 65536;
  int max_connections = 128;
  int overload_threads = 8;
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds keep_alive_timeout{5000};
};

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;
using ServerLog = std::function<void(int level, const std::string& message)>;  // PHPEEK_LOG_*

class Server {
 public:
  Server(ServerOptions options, RequestHandler handler, ServerLog log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listeners and starts the threads. On failure nothing is left running.
  bool Start(std::string* err);
  // Idempotent. Returns after every thread has been joined.
  void Stop();

  int port() const;  // the bound TCP port

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phpeek::rest
