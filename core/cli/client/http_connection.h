// A client stream socket (TCP or Unix) whose every operation ends by a deadline: non-blocking
// I/O waited on with poll(2), so a silent or slow peer costs at most the time left. After
// StartTls, sending and receiving go through TLS (tls_session.h).
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/cli/client/tls_session.h"

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

  // The TLS handshake on the connected socket, for `host` (the name or address of the URL).
  Status StartTls(const std::string& host, const TlsClientFiles& files, Deadline deadline,
                  std::string* why);

  Status SendAll(std::string_view data, Deadline deadline, std::string* why);
  // Reads what has arrived (waiting for something); *received = 0 means the peer closed.
  Status Receive(char* buffer, size_t size, Deadline deadline, size_t* received, std::string* why);

 private:
  Status ConnectTo(int family, const void* address, socklen_t length, Deadline deadline,
                   std::string* why);
  // Waits for `events` on the socket until the deadline.
  Status Wait(short events, Deadline deadline, const char* what, std::string* why) const;
  void Close();
  // Waits for what a TLS step asked for; kFailed with `why` for a failed step.
  Status WaitTls(TlsSession::Step step, Deadline deadline, const char* what, std::string* why);
  Status SendAllTls(std::string_view data, Deadline deadline, std::string* why);
  Status ReceiveTls(char* buffer, size_t size, Deadline deadline, size_t* received,
                    std::string* why);

  int fd_ = -1;
  std::unique_ptr<TlsSession> tls_;
};

}  // namespace phpeek::cli::client
