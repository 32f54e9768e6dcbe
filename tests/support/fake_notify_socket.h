// The datagram socket systemd listens on for sd_notify messages, bound in a temp directory, for
// tests of the daemon's READY/STOPPING/WATCHDOG notifications.
#pragma once

#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {

class FakeNotifySocket {
 public:
  FakeNotifySocket();
  ~FakeNotifySocket();
  FakeNotifySocket(const FakeNotifySocket&) = delete;
  FakeNotifySocket& operator=(const FakeNotifySocket&) = delete;

  // The value for NOTIFY_SOCKET.
  const std::string& path() const { return path_; }
  // The next datagram, or "" when none arrives within `timeout_ms`.
  std::string Receive(int timeout_ms = 5000);

 private:
  TempDir dir_;
  std::string path_;
  int fd_ = -1;
};

}  // namespace phpeek::testing
