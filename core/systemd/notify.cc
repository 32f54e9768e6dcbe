#include "core/systemd/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace phpeek::systemd {

namespace {

// A whole decimal number or nothing: "10s", "-1", "" and values past 64 bits are not numbers
// (systemd's own sd_watchdog_enabled rejects them the same way).
std::optional<unsigned long long> ParseUnsigned(const char* text) {
  if (!text) return std::nullopt;
  const char* end = text + std::strlen(text);
  unsigned long long value = 0;
  const auto [stop, error] = std::from_chars(text, end, value);
  if (error != std::errc() || stop != end || stop == text) return std::nullopt;
  return value;
}

// Half of WatchdogSec, rounded up to whole milliseconds so that a sub-millisecond value still
// pings; capped at a day so that the loop's timer arithmetic cannot overflow.
std::chrono::milliseconds PingInterval(unsigned long long usec) {
  constexpr unsigned long long kDayMs = 24ULL * 3600 * 1000;
  const unsigned long long ms = usec / 2000 + (usec % 2000 != 0 ? 1 : 0);
  return std::chrono::milliseconds(static_cast<long long>(std::min(ms, kDayMs)));
}

}  // namespace

Notifier::Notifier() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path && (path[0] == '/' || path[0] == '@') &&
      std::strlen(path) < sizeof(sockaddr_un::sun_path)) {
    socket_path_ = path;
  }
  // WATCHDOG_PID names the process the watchdog is meant for; another pid (or one that does not
  // parse) means a parent's.
  const char* pid_text = std::getenv("WATCHDOG_PID");
  const auto pid = ParseUnsigned(pid_text);
  const bool for_us = !pid_text || (pid && *pid == static_cast<unsigned long long>(getpid()));
  const auto usec = ParseUnsigned(std::getenv("WATCHDOG_USEC"));
  if (usec && *usec > 0 && for_us) watchdog_interval_ = PingInterval(*usec);
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
