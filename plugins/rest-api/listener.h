// Listening sockets for the API: TCP on api_host:api_port and, optionally, a Unix socket at
// api_socket. Both are close-on-exec (Poco does not set FD_CLOEXEC, and a listening socket
// inherited by every supervised child would keep the port open after the daemon died) and
// non-blocking (the acceptor polls them).
//
// TCP is bound with SO_REUSEADDR but never SO_REUSEPORT: Poco 1.11's ServerSocket(SocketAddress)
// sets SO_REUSEPORT, which would let a second daemon silently share the port. "Address in use"
// is reported as an error naming host and port.
#pragma once

#include <string>

#include "Poco/Net/ServerSocket.h"

namespace phpeek::rest {

bool ListenTcp(const std::string& host, int port, Poco::Net::ServerSocket* out, std::string* err);

// Replaces a stale socket file (one nobody listens on); refuses a path that is in use or is not
// a socket. The socket file gets mode 0600 before listen(), so nobody else can ever connect.
bool ListenUnix(const std::string& path, Poco::Net::ServerSocket* out, std::string* err);

void SetCloseOnExec(int fd);

// "host:port", with brackets around an IPv6 host.
std::string HostPort(const std::string& host, int port);

}  // namespace phpeek::rest
