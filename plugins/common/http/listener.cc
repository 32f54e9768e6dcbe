#include "plugins/common/http/listener.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace phpeek::http {
namespace {

bool Fail(std::string message, int fd, std::string* err) {
  if (fd >= 0) ::close(fd);
  *err = std::move(message);
  return false;
}

std::string HostPort(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// "[::1]" -> "::1": the bracketed form people copy from URLs.
std::string Unbracketed(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// The address to bind for `host`: an IPv4 one when the name has both (as Poco did).
bool Resolve(const std::string& host, int port, sockaddr_storage* out, socklen_t* length,
             std::string* err) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(Unbracketed(host).c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    *err = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    return false;
  }
  const addrinfo* chosen = found;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      chosen = a;
      break;
    }
  }
  std::memcpy(out, chosen->ai_addr, chosen->ai_addrlen);
  *length = chosen->ai_addrlen;
  ::freeaddrinfo(found);
  return true;
}

// "127.0.0.1:9180" or "[::1]:9180" for a bound socket.
std::string BoundAddress(const sockaddr_storage& bound, int* port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (bound.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(bound);
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof(text));
    *port = ntohs(a.sin6_port);
  } else {
    const auto& a = reinterpret_cast<const sockaddr_in&>(bound);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof(text));
    *port = ntohs(a.sin_port);
  }
  return HostPort(text, *port);
}

bool OpenTcp(const Endpoint& e, int backlog, ListenSocket* out, std::string* err) {
  const std::string where = HostPort(Unbracketed(e.host), e.port);
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string why;
  if (!Resolve(e.host, e.port, &address, &length, &why)) {
    return Fail("cannot listen on " + where + ": " + why, -1, err);
  }
  const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail("cannot listen on " + where + ": " + std::strerror(errno), fd, err);
  const int one = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (address.ss_family == AF_INET6) {
    (void)::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      ::listen(fd, backlog) != 0) {
    if (errno == EADDRINUSE) {
      const std::string key = e.setting.empty() ? "the port" : e.setting;
      return Fail("cannot listen on " + where +
                      ": address in use (another phpeek-pm or another server listens there; "
                      "change " +
                      key + " or stop the other one)",
                  fd, err);
    }
    return Fail("cannot listen on " + where + ": " + std::strerror(errno), fd, err);
  }
  sockaddr_storage bound{};
  socklen_t bound_length = sizeof(bound);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_length) != 0) {
    return Fail("cannot listen on " + where + ": " + std::strerror(errno), fd, err);
  }
  out->fd = fd;
  out->address = BoundAddress(bound, &out->port);
  return true;
}

sockaddr_un UnixAddress(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  return addr;
}

// True when something accepts connections on the Unix socket at `path`.
bool UnixSocketInUse(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_un addr = UnixAddress(path);
  const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return connected;
}

bool RemoveStaleSocket(const std::string& name, const std::string& path, std::string* err) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return true;  // nothing there
  if (!S_ISSOCK(st.st_mode)) {
    *err = name + " " + path + " exists and is not a socket; remove it or choose another path";
    return false;
  }
  if (UnixSocketInUse(path)) {
    *err = name + " " + path + " is in use by another server (another phpeek-pm?)";
    return false;
  }
  if (::unlink(path.c_str()) != 0) {
    *err = "cannot remove the stale " + name + " " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool OpenUnix(const Endpoint& e, int backlog, ListenSocket* out, std::string* err) {
  const std::string& path = e.unix_path;
  const std::string name = e.setting.empty() ? "Unix socket" : e.setting;
  const size_t max = sizeof(sockaddr_un{}.sun_path) - 1;
  if (path.size() > max) {
    *err = name + " path is too long (" + std::to_string(path.size()) + " bytes, at most " +
           std::to_string(max) + "): " + path;
    return false;
  }
  if (!RemoveStaleSocket(name, path, err)) return false;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Fail("cannot listen on " + name + " " + path + ": " + std::strerror(errno), fd, err);
  }
  const sockaddr_un addr = UnixAddress(path);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Fail("cannot listen on " + name + " " + path + ": " + std::strerror(errno), fd, err);
  }
  if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd, backlog) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(path.c_str());
    return Fail("cannot listen on " + name + " " + path + " (mode 0600): " + why, fd, err);
  }
  out->fd = fd;
  out->address = "unix:" + path;
  out->unix_path = path;
  return true;
}

}  // namespace

bool OpenListener(const Endpoint& endpoint, int backlog, ListenSocket* out, std::string* err) {
  *out = ListenSocket{};
  return endpoint.unix_path.empty() ? OpenTcp(endpoint, backlog, out, err)
                                    : OpenUnix(endpoint, backlog, out, err);
}

void CloseListener(ListenSocket* socket) {
  if (socket->fd >= 0) ::close(socket->fd);
  if (!socket->unix_path.empty()) ::unlink(socket->unix_path.c_str());
  *socket = ListenSocket{};
}

int AcceptConnection(int listen_fd) {
  return ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

bool ConnectionWaiting(int listen_fd) {
  pollfd p{listen_fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

}  // namespace phpeek::http
