#include "core/process/listen_sockets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace phpeek::process {
namespace {

// The bound address as php-fpm names an inherited socket: inet_ntop, ':', the port.
std::string KeyOf(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "";
  char text[INET6_ADDRSTRLEN] = "";
  int port = 0;
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    port = ntohs(a->sin6_port);
  } else {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    port = ntohs(a->sin_port);
  }
  return std::string(text) + ":" + std::to_string(port);
}

// A blocking socket (the children accept on it, and O_NONBLOCK would be theirs too), listening
// with the kernel's largest backlog: it holds what arrives while no run accepts.
int Open(const config::ListenAddress& address, int* error) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  if (address.host.find(':') != std::string::npos) {
    family = AF_INET6;
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(address.port));
    inet_pton(AF_INET6, address.host.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(address.port));
    inet_pton(AF_INET, address.host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  const int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = errno;
    return -1;
  }
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd, SOMAXCONN) != 0) {
    *error = errno;
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool ListenSockets::Sync(const std::vector<config::ListenAddress>& addresses, std::string* err) {
  const bool same = addresses.size() == held_.size() &&
                    std::equal(addresses.begin(), addresses.end(), held_.begin(),
                               [](const auto& a, const Held& h) { return a == h.address; });
  if (same) return true;
  std::vector<Held> next;
  std::vector<int> opened;
  for (const config::ListenAddress& a : addresses) {
    auto it =
        std::find_if(held_.begin(), held_.end(), [&](const Held& h) { return h.address == a; });
    if (it != held_.end()) {
      next.push_back(*it);
      continue;
    }
    int error = 0;
    const int fd = Open(a, &error);
    if (fd < 0) {
      for (int o : opened) close(o);
      *err = "listen " + a.Text() + ": " + std::strerror(error);
      return false;
    }
    opened.push_back(fd);
    next.push_back(Held{a, fd, KeyOf(fd)});
  }
  for (const Held& h : held_) {
    if (std::find(addresses.begin(), addresses.end(), h.address) == addresses.end()) close(h.fd);
  }
  held_ = std::move(next);
  return true;
}

void ListenSockets::Close() {
  for (const Held& h : held_) close(h.fd);
  held_.clear();
}

std::vector<int> ListenSockets::fds() const {
  std::vector<int> out;
  for (const Held& h : held_) out.push_back(h.fd);
  return out;
}

std::string ListenSockets::FpmSockets() const {
  std::string out;
  for (size_t i = 0; i < held_.size(); ++i) {
    out += (i ? "," : "") + held_[i].key + "=" + std::to_string(3 + i);
  }
  return out;
}

}  // namespace phpeek::process
