// A TCP server on 127.0.0.1 (port 0) for health-check and FastCGI tests: each accepted connection
// reads the request and answers with a fixed text, or with nothing (the "never replies" case), on a
// thread of its own. Stopped and joined by the destructor.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace phpeek::testing {

class CannedServer {
 public:
  enum class Mode { kAnswer, kSilent, kCloseAtOnce };

  // A request is read up to `request_end` (an HTTP head's blank line; another protocol's marker,
  // e.g. FastCGI's empty STDIN record) or until the client pauses for 1 s.
  CannedServer(Mode mode, std::string answer = "", std::string request_end = "\r\n\r\n");
  ~CannedServer();
  CannedServer(const CannedServer&) = delete;
  CannedServer& operator=(const CannedServer&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  // The last request received, as read (up to its end).
  std::string last_request() const;

 private:
  void Serve();

  const Mode mode_;
  const std::string answer_;
  const std::string request_end_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  mutable std::atomic<bool> busy_{false};
  std::string last_request_;
  std::vector<int> held_;  // kSilent: connections kept open
  std::thread thread_;
};

// A port on 127.0.0.1 that never answers a connect: it listens with a backlog of 0 and its queue
// is kept full by connections of its own, so the kernel drops every further SYN and a connect
// hangs until its caller gives up (as for a firewalled or wedged service).
class UnansweringPort {
 public:
  UnansweringPort();
  ~UnansweringPort();
  UnansweringPort(const UnansweringPort&) = delete;
  UnansweringPort& operator=(const UnansweringPort&) = delete;

  int port() const { return port_; }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

}  // namespace phpeek::testing
