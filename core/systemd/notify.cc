#include "core/systemd/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace phpeek::systemd {

Notifier::Notifier() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path && (path[0] == '/' || path[0] == '@') && std::strlen(path) < sizeof(sockaddr_un::sun_path)) {
    socket_path_ = path;
  }
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  // WATCHDOG_PID names the process the watchdog is meant for; another pid means a parent's.
  const bool for_us = !pid || std::strtol(pid, nullptr, 10) == static_cast<long>(getpid());
  if (usec && for_us) {
    const long long us = std::strtoll(usec, nullptr, 10);
    if (us > 0) watchdog_interval_ = std::chrono::milliseconds(us / 2000);
  }
}

bool Notifier::Send(const std::string& message) const {
  if (socket_path_.empty()) return false;
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  // MSG_DONTWAIT: a manager that does not read its socket (queue full) costs a lost notification,
  // never a blocked supervisor loop.
  const ssize_t sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                              reinterpret_cast<const sockaddr*>(&addr), len);
  close(fd);
  return sent == static_cast<ssize_t>(message.size());
}

}  // namespace phpeek::systemd
