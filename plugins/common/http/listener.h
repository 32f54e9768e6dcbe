// Listening sockets: TCP on IPv4 or IPv6 (port 0 = any free port, the bound one reported) or a
// Unix socket. Every socket is non-blocking and close-on-exec from its creation (a listener
// inherited by a supervised child would keep the port open after the daemon died), and so is every
// accepted connection (accept4), so no child spawned meanwhile inherits one.
//
// TCP is bound with SO_REUSEADDR (a restart while old connections sit in TIME_WAIT) but never
// SO_REUSEPORT, which would let a second daemon silently share the port: "address in use" is an
// error naming host and port. An IPv6 listener is IPv6 only (IPV6_V6ONLY), so "::" never takes
// IPv4 connections unasked. A Unix socket gets mode 0600 before listen(), so nobody else can ever
// connect; a stale socket file (nobody listens on it) is replaced, anything else at the path is
// refused.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "plugins/common/http/transport.h"

namespace phpeek::http {

struct Endpoint {
  std::string host = "127.0.0.1";  // TCP: an IPv4 or IPv6 address (brackets allowed) or a name
  int port = 0;                    // TCP: 0 picks a free port
  std::string unix_path;           // non-empty: a Unix socket at this path instead of TCP
  // The configuration key that chose this endpoint, named in errors ("api_port", "api_socket").
  std::string setting;
  // What each connection accepted here is wrapped in (a TLS transport); unset: the server's
  // ServerOptions::make_transport, else a plain SocketTransport. Called on the I/O thread.
  std::function<std::unique_ptr<Transport>(int fd)> make_transport;
};

struct ListenSocket {
  int fd = -1;
  int port = 0;           // TCP: the bound port (the kernel's pick when 0 was asked)
  std::string address;    // "127.0.0.1:9180", "[::1]:9090", "unix:/run/phpeek-pm.sock"
  std::string unix_path;  // removed again by CloseListener
};

// Binds and listens. On failure returns false with a message naming the address and what to do.
bool OpenListener(const Endpoint& endpoint, int backlog, ListenSocket* out, std::string* err);

// Closes the socket and removes a Unix socket's file. Idempotent.
void CloseListener(ListenSocket* socket);

// accept4() of one pending connection, non-blocking and close-on-exec; -1 with errno set.
int AcceptConnection(int listen_fd);

// Whether a connection waits in the listener's backlog. accept() fails with EMFILE or ENFILE
// before it looks at the backlog, so such a failure alone does not say that anyone waits.
bool ConnectionWaiting(int listen_fd);

}  // namespace phpeek::http
