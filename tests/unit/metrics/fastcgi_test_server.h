// What the FastCGI tests share: answers as php-fpm frames them, and a one-connection server on a
// unix socket (tests/support's CannedServer is TCP only).
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "plugins/metrics/fastcgi_protocol.h"

namespace phpeek::metrics::testing {

// The last record of every request the client sends: an empty STDIN.
inline const std::string kFcgiRequestEnd("\x01\x05\x00\x01\x00\x00\x00\x00", 8);

// `cgi` as one STDOUT record, then END_REQUEST (REQUEST_COMPLETE).
inline std::string FcgiAnswer(const std::string& cgi) {
  using namespace phpeek::metrics::fastcgi;
  return EncodeRecord(kStdout, kRequestId, cgi) +
         EncodeRecord(kEndRequest, kRequestId, std::string(8, '\0'));
}

// One connection on a unix socket at `path`: reads the request, answers `answer`, closes.
class UnixOneShot {
 public:
  UnixOneShot(const std::string& path, std::string answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ::unlink(path.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    thread_ = std::thread([this] { Serve(); });
  }
  ~UnixOneShot() {
    ::shutdown(fd_, SHUT_RDWR);  // ends an accept that never got a client
    Wait();
    ::close(fd_);
  }
  UnixOneShot(const UnixOneShot&) = delete;
  UnixOneShot& operator=(const UnixOneShot&) = delete;

  // The request it read, once it has answered.
  const std::string& request() {
    Wait();
    return request_;
  }

 private:
  void Serve() {
    const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    char buf[4096];
    while (request_.find(kFcgiRequestEnd) == std::string::npos) {
      const ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<size_t>(n));
    }
    [[maybe_unused]] const ssize_t sent = ::write(c, answer_.data(), answer_.size());
    ::close(c);
  }
  void Wait() {
    if (thread_.joinable()) thread_.join();
  }

  int fd_ = -1;
  std::string answer_;
  std::string request_;
  std::thread thread_;
};

}  // namespace phpeek::metrics::testing
