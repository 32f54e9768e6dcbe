// A one-connection server for the HTTP client tests: listens on 127.0.0.1 (or ::1, or a Unix
// socket), accepts one connection on its own thread, reads the request, then answers with canned
// bytes in pieces. Everything it does ends by a deadline, so a broken client fails the test
// instead of hanging it.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/cli/client/http_client.h"

namespace phpeek::cli::client::testing {

struct CannedAnswer {
  std::vector<std::string> pieces;     // written one after another
  std::chrono::milliseconds pause{0};  // between pieces
  // After the pieces: close at once (false), or keep the connection open until the client
  // closes it (true; for timeouts).
  bool hold_open = false;
  // While holding open, write one byte per pause (a slow-loris server).
  bool dribble = false;
};

class CannedServer {
 public:
  enum class Kind { kIpv4, kIpv6, kUnix };

  // `unix_path` is used for kUnix only.
  CannedServer(CannedAnswer answer, Kind kind = Kind::kIpv4, const std::string& unix_path = "");
  ~CannedServer();
  CannedServer(const CannedServer&) = delete;
  CannedServer& operator=(const CannedServer&) = delete;

  bool listening() const { return listen_fd_ >= 0; }
  int port() const { return port_; }
  // The request bytes received (head and Content-Length body). Valid after the client returned.
  std::string Request();

 private:
  void Serve();
  void ReadRequest(int fd);
  void HoldOpen(int fd);

  CannedAnswer answer_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string unix_path_;
  std::string request_;
  std::thread thread_;
};

// The server's TCP address as the client takes it (`host` may name it otherwise: "localhost").
inline HttpAddress TcpAddress(const CannedServer& s, const std::string& host = "127.0.0.1") {
  HttpAddress a;
  a.host = host;
  a.port = std::to_string(s.port());
  return a;
}

}  // namespace phpeek::cli::client::testing
