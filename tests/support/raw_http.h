// A raw HTTP/1.1 client over a loopback socket for the tests of the plugins' HTTP server and of
// the listeners built on it: they send exact bytes (partial heads, pipelined requests, bad
// framing, nothing at all) and read exact answers, each read bounded by a deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::http::testing {

struct RawResponse {
  int status = 0;
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent
  std::string body;

  // The value of header `name` (case-insensitive), "" when absent.
  std::string Header(std::string_view name) const;
  // The headers other than Date, names lower-cased: what GET and HEAD must agree on.
  std::vector<std::pair<std::string, std::string>> HeadersWithoutDate() const;
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port (blocking connect; ok() tells whether it worked).
  explicit RawConnection(int port);
  // Only creates the socket; Connect() later needs no new descriptor.
  RawConnection();
  bool Connect(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool Send(std::string_view bytes);
  // One response: its head, then Content-Length bytes of body unless `head_only` (a HEAD answer).
  // nullopt when it did not arrive whole within `deadline` or the connection ended first.
  std::optional<RawResponse> Read(std::chrono::milliseconds deadline, bool head_only = false);
  // Whether the server closed the connection (EOF or reset) within `deadline`; bytes that arrive
  // meanwhile are appended to unread().
  bool WaitClosed(std::chrono::milliseconds deadline);
  // Receives until unread() contains `text` (true), the connection ends or `deadline` passes.
  bool ReadUntil(std::string_view text, std::chrono::milliseconds deadline);
  // Drops the first `n` bytes of unread().
  void Consume(size_t n) { buffer_.erase(0, n); }
  const std::string& unread() const { return buffer_; }

 private:
  // Receives into buffer_ until `done` holds, the peer closes or the deadline passes.
  template <typename Done>
  bool ReceiveUntil(Done done, std::chrono::steady_clock::time_point deadline, bool* closed);

  int fd_ = -1;
  std::string buffer_;
};

// "GET <path> HTTP/1.1" with a Host header and nothing else.
inline std::string GetRequest(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

// Parses a response head (the status line and the headers, each line ending in CRLF, the empty
// line optional) into `out`; false when it is not one.
bool ParseResponseHead(const std::string& head, RawResponse* out);

// Sends one request on a fresh connection and reads the answer (nullopt on failure).
std::optional<RawResponse> RawRequest(int port, const std::string& bytes,
                                      std::chrono::milliseconds deadline = std::chrono::seconds(5),
                                      bool head_only = false);

}  // namespace phpeek::http::testing
