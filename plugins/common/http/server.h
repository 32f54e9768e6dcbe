// The HTTP/1.1 server of the first-party plugins (rest-api, metrics; the dashboard of issue 15
// next): one I/O thread that accepts and reads every connection with epoll, and a fixed pool of
// worker threads that run the plugin's handler for complete requests.
//
// Why not Poco::Net::HTTPServer: its timeouts are per read or per idle wait, and it gives each
// connection a thread for the connection's whole life, so a client sending one header byte every
// few seconds held a thread forever (128 of them took every slot of the REST API), and four idle
// keep-alive connections made a metrics scrape wait 15 s; it also waited for the end of the
// connection when a POST had neither Content-Length nor Transfer-Encoding, and answered framing
// errors with a bare 500. Here a slow or idle client costs a descriptor and a buffer, never a
// thread, requests are framed exactly (request_parser.h), and every connection has one deadline
// for what it waits for (connection.h): the whole request, an idle keep-alive, the answer taken by
// a slow reader, the linger after a close.
//
// Connection policy:
//  - at most max_connections are open; a new one beyond that makes room by closing the
//    connection that has waited longest for its client (lingering ones first, then idle or
//    slowly arriving requests, which get 503; a client that does not read its answer last), so
//    that slow or idle clients can never lock others out; only when every connection is busy in
//    a handler does the new one get 503 with Retry-After (then it lingers briefly, so the client
//    reads the 503 rather than a reset);
//  - "waited longest" counts from the send of a connection's last answer: before it chooses, the
//    I/O thread waits for the sends under way on workers and collects every answer sent, so a
//    client that has read its answer and opens another connection never finds its old one
//    counted as busy in a handler (nor the new one as older);
//  - when accept() fails for lack of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) while
//    a client waits in the backlog, the connection that has waited longest is closed to free a
//    descriptor for it (one connection per client: accept() says EMFILE before it looks at the
//    backlog, so the failure alone does not mean that anyone waits); with none to close,
//    accepting pauses for accept_pause. Failures are logged through the ServerLog at most once a
//    second with a count (accept_failure_log.h), never in a spin;
//  - HEAD is answered by the server: the handler sees GET (HttpRequest::head set) and the answer
//    goes out with the GET answer's headers, Content-Length included, and no body;
//  - every answer, head and body, leaves in one send() when the socket takes it; TCP_NODELAY is
//    set on every TCP connection, so no answer waits for the client's delayed ACK;
//  - every socket is close-on-exec, listeners never use SO_REUSEPORT (listener.h).
//  - streaming answers (Server-Sent Events): a handler answers with HttpResponse::stream set and
//    keeps the ResponseStream to write to from any thread (response_stream.h); the worker sends
//    the head and is free again, the I/O thread sends the rest as it comes (connection.h,
//    kStreaming), so an open stream costs a descriptor and a bounded buffer, never a thread.
// Stop() closes the listeners and every connection (a stream's queued bytes get one last
// non-blocking send) and joins every thread before it returns.
//
// TLS: an Endpoint's make_transport wraps each connection it accepts (plugins/common/security's
// TlsTransport), and nothing above the Transport interface changes (transport.h says how the
// handshake fits the deadlines). Plain and TLS listeners live in one server. Every request carries
// the connection's peer address (HttpRequest::peer), for access lists and audit lines.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "plugins/common/http/connection.h"
#include "plugins/common/http/listener.h"
#include "plugins/common/http/message.h"
#include "plugins/common/http/request_parser.h"
#include "plugins/common/http/response_text.h"
#include "plugins/common/http/transport.h"

namespace phpeek::http {

// `level` is a PHPEEK_LOG_* of phpeek/plugin_abi.h, so a plugin passes it to its host as is.
// Called on the I/O thread; must not block for long.
using ServerLog = std::function<void(int level, const std::string& message)>;

struct ServerOptions {
  std::vector<Endpoint> endpoints;  // at least one
  RequestLimits limits;
  ConnectionTimeouts timeouts;
  ResponseDefaults defaults;
  int max_connections = 128;
  int workers = 4;
  // Run the I/O and worker threads at kLowPriorityNice (thread_priority.h).
  bool lower_priority = false;
  std::chrono::milliseconds accept_pause{100};
  int backlog = 128;
  // What each accepted descriptor is wrapped in (the transport owns it), called on the I/O
  // thread; unset: a SocketTransport. Tests use it to stop a worker at a given moment of a send.
  std::function<std::unique_ptr<Transport>(int fd)> make_transport;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler, ServerLog log);
  ~Server();  // calls Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every endpoint and starts the threads. On failure nothing is left running or bound,
  // and `err` names the endpoint.
  bool Start(std::string* err);
  // Idempotent. Returns after every thread has been joined.
  void Stop();

  // While started: the bound address of each endpoint, in order ("127.0.0.1:9180", "[::1]:9090",
  // "unix:/run/phpeek-pm.sock").
  std::vector<std::string> addresses() const;
  // While started: the bound port of the first TCP endpoint, 0 when there is none.
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phpeek::http
