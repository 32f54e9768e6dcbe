// The metrics listener's TCP socket. Bound without SO_REUSEPORT (so a second daemon cannot
// silently share the port), non-blocking and close-on-exec; accepted connections are created
// non-blocking and close-on-exec in the same call, so no child spawned meanwhile inherits one.
#pragma once

#include <string>

namespace phpeek::metrics {

struct ListenSocket {
  int fd = -1;
  int port = 0;         // the bound port (the kernel's pick when 0 was asked)
  std::string address;  // the bound address as host:port, IPv6 in brackets: "[::1]:9090"
};

// Resolves `host`, binds `port` (0: any free port) and listens. On failure returns false with the
// reason naming host:port.
bool OpenListener(const std::string& host, int port, int backlog, ListenSocket* out,
                  std::string* err);

// accept4() of one pending connection, non-blocking and close-on-exec; -1 with errno set.
int AcceptConnection(int listen_fd);

}  // namespace phpeek::metrics
