#include "plugins/metrics/listen_socket.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace phpeek::metrics {
namespace {

bool Fail(const std::string& where, const std::string& why, int fd, std::string* err) {
  if (fd >= 0) ::close(fd);
  *err = "cannot listen on " + where + ": " + why;
  return false;
}

}  // namespace

bool OpenListener(const std::string& host, int port, int backlog, ListenSocket* out,
                  std::string* err) {
  const std::string where = host + ":" + std::to_string(port);
  Poco::Net::SocketAddress address;
  try {
    address = Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port));
  } catch (const Poco::Exception& e) {
    return Fail(where, e.displayText(), -1, err);
  }
  const int fd = ::socket(address.af(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(where, std::strerror(errno), fd, err);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));  // restart while in TIME_WAIT
  if (address.af() == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (::bind(fd, address.addr(), address.length()) != 0 || ::listen(fd, backlog) != 0) {
    return Fail(where, std::strerror(errno), fd, err);
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
    return Fail(where, std::strerror(errno), fd, err);
  }
  const Poco::Net::SocketAddress actual(reinterpret_cast<const sockaddr*>(&bound), len);
  out->fd = fd;
  out->port = actual.port();
  out->address = actual.toString();
  return true;
}

int AcceptConnection(int listen_fd) {
  return ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

}  // namespace phpeek::metrics
