// The API's HTTP/1.1 server: one I/O thread that accepts and reads every connection with epoll,
// and a few worker threads that run the API for complete requests.
//
// Why not Poco::Net::HTTPServer: its timeouts are per read, so a client sending one header byte
// every few seconds held a thread forever and 128 of them took every slot; it waited for the end
// of the connection when a POST had neither Content-Length nor Transfer-Encoding (what
// `curl -X POST url` sends); and it let Poco's parser answer framing errors with a bare 500.
// Here the request parser (http_request_parser.h) frames requests exactly, every connection has
// one deadline for what it waits for (connection.h), and a slow client costs a descriptor and a
// buffer, never a thread. Connection policy:
//  - up to max_connections connections are open at once; a new one beyond that closes the
//    connection that has waited longest for its client (idle keep-alive, or a request arriving
//    slowly, which gets 503), so that slow or idle clients can never lock others out; only when
//    every connection is busy in a worker does the new one get 503 with Retry-After;
//  - when accept() fails (EMFILE at the open-file limit), accepting pauses for kAcceptPause and
//    the failures are logged at most once a second, with a count (accept_failure_log.h).
// Every socket is close-on-exec. The I/O thread and the workers run at a lower CPU priority than
// the rest of the daemon (worker_priority.h), so that a busy API does not delay supervision.
// Stop() closes the listeners and every connection and joins every thread before it returns.
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
  int workers = 8;
  // A request must arrive whole within this from its first byte (else 408); also the bound on
  // a new connection's first byte and on writing an answer.
  std::chrono::milliseconds request_timeout{5000};
  // How long a connection may stay idle between requests.
  std::chrono::milliseconds keep_alive_timeout{5000};
};

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
