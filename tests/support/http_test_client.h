// Minimal HTTP helpers for tests of the daemon's HTTP listeners: one request over a fresh Poco
// session, a request over a caller-kept session (keep-alive), raw bytes over a socket for
// malformed requests, and a raw connection for tests that control framing and timing byte by byte.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace Poco::Net {
class HTTPClientSession;
}

namespace phpeek::testing::http {

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

Reply Request(Poco::Net::HTTPClientSession& session, const std::string& method,
              const std::string& target, const std::string& body = "",
              const std::map<std::string, std::string>& headers = {});
Reply Request(int port, const std::string& method, const std::string& target,
              const std::string& body = "", const std::map<std::string, std::string>& headers = {});

// Sends `bytes` as they are and returns everything the server answers before closing (or
// until `timeout_ms`).
std::string RawExchange(int port, const std::string& bytes, int timeout_ms = 5000);

// A plain TCP connection to 127.0.0.1:port (POSIX sockets, no HTTP logic): the test decides every
// byte and when it is sent, and sees when the server closes.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False when the server has closed or reset the connection.
  bool Send(std::string_view bytes);
  void ShutdownWrite();
  void Close();
  // Reads until the received bytes contain `text`, the server closes, or `timeout` passes.
  std::string ReadUntil(std::string_view text, std::chrono::milliseconds timeout);
  // Reads until the server closes or `timeout` passes.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout);
  // The server closed (or reset) the connection: seen by a read.
  bool closed_by_server() const { return closed_by_server_; }

 private:
  int fd_ = -1;
  bool closed_by_server_ = false;
};

}  // namespace phpeek::testing::http
