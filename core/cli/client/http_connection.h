// A client stream socket (TCP or Unix) whose every operation ends by a deadline: non-blocking
// I/O waited on with poll(2), so a silent or slow peer costs at most the time left.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <string>
#include <string_view>

namespace phpeek::cli::client {

class Connection {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  enum class Status { kOk, kRefused, kTimedOut, kFailed };

  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Tries each address getaddrinfo gives for host:port, in order (IPv4 and IPv6). `why` says what
  // failed for anything but kOk; kRefused only when every address refused.
  Status ConnectTcp(const std::string& host, const std::string& port, Deadline deadline,
                    std::string* why);
  Status ConnectUnix(const std::string& path, Deadline deadline, std::string* why);

  Status SendAll(std::string_view data, Deadline deadline, std::string* why);
  // Reads what has arrived (waiting for something); *received = 0 means the peer closed.
  Status Receive(char* buffer, size_t size, Deadline deadline, size_t* received, std::string* why);

 private:
  Status ConnectTo(int family, const void* address, socklen_t length, Deadline deadline,
                   std::string* why);
  // Waits for `events` on the socket until the deadline.
  Status Wait(short events, Deadline deadline, const char* what, std::string* why) const;
  void Close();

  int fd_ = -1;
};

}  // namespace phpeek::cli::client
