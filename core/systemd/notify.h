// systemd's sd_notify datagram protocol, spoken directly: one datagram of "KEY=VALUE" lines to the
// Unix socket named by $NOTIFY_SOCKET. Implemented here instead of linking libsystemd because the
// protocol is a few lines, and a container binary should not need libsystemd at all. Every call
// is a no-op when the daemon does not run under a notify-type unit.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace phpeek::systemd {

class Notifier {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment.
  Notifier();

  bool enabled() const { return !socket_path_.empty(); }
  // Interval at which to send WATCHDOG=1: half of WatchdogSec rounded up to a millisecond, at most
  // a day; zero when not requested or when WATCHDOG_USEC / WATCHDOG_PID is not a plain number.
  std::chrono::milliseconds watchdog_interval() const { return watchdog_interval_; }

  bool Ready() const { return Send("READY=1"); }
  bool Stopping() const { return Send("STOPPING=1"); }
  bool Watchdog() const { return Send("WATCHDOG=1"); }
  bool Status(std::string_view text) const { return Send("STATUS=" + std::string(text)); }
  // Sends one message; returns false when disabled or the send failed.
  bool Send(const std::string& message) const;

 private:
  std::string socket_path_;  // a leading '@' means the abstract namespace
  std::chrono::milliseconds watchdog_interval_{0};
};

}  // namespace phpeek::systemd
