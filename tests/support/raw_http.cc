#include "tests/support/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace phpeek::http::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool ParseResponseHead(const std::string& head, RawResponse* out) {
  size_t start = 0;
  bool first = true;
  while (start < head.size()) {
    const size_t end = head.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    const std::string line = head.substr(start, end - start);
    start = end + 2;
    if (first) {
      first = false;
      out->status_line = line;
      if (line.size() < 12 || line.compare(0, 5, "HTTP/") != 0) return false;
      out->status = std::atoi(line.c_str() + 9);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return false;
    size_t value = colon + 1;
    while (value < line.size() && line[value] == ' ') ++value;
    out->headers.emplace_back(line.substr(0, colon), line.substr(value));
  }
  return !first;
}

std::string RawResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (Lower(k) == Lower(std::string(name))) return v;
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> RawResponse::HeadersWithoutDate() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : headers) {
    if (Lower(k) != "date") out.emplace_back(Lower(k), v);
  }
  return out;
}

RawConnection::RawConnection() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}

RawConnection::RawConnection(int port) : RawConnection() { Connect(port); }

bool RawConnection::Connect(int port) {
  if (fd_ < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
  return fd_ >= 0;
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

template <typename Done>
bool RawConnection::ReceiveUntil(Done done, Clock::time_point deadline, bool* closed) {
  *closed = false;
  char buf[16384];
  while (!done()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // re-checks the deadline
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *closed = true;
      return done();
    }
    buffer_.append(buf, static_cast<size_t>(n));
  }
  return true;
}

std::optional<RawResponse> RawConnection::Read(std::chrono::milliseconds deadline, bool head_only) {
  if (fd_ < 0) return std::nullopt;
  const auto until = Clock::now() + deadline;
  bool closed = false;
  if (!ReceiveUntil([&] { return buffer_.find("\r\n\r\n") != std::string::npos; }, until,
                    &closed)) {
    return std::nullopt;
  }
  const size_t head_end = buffer_.find("\r\n\r\n") + 4;
  RawResponse r;
  if (!ParseResponseHead(buffer_.substr(0, head_end), &r)) return std::nullopt;
  const size_t length =
      head_only
          ? 0
          : static_cast<size_t>(std::strtoull(r.Header("Content-Length").c_str(), nullptr, 10));
  if (!ReceiveUntil([&] { return buffer_.size() >= head_end + length; }, until, &closed)) {
    return std::nullopt;
  }
  r.body = buffer_.substr(head_end, length);
  buffer_.erase(0, head_end + length);
  return r;
}

bool RawConnection::WaitClosed(std::chrono::milliseconds deadline) {
  if (fd_ < 0) return true;
  bool closed = false;
  ReceiveUntil([] { return false; }, Clock::now() + deadline, &closed);
  return closed;
}

bool RawConnection::ReadUntil(std::string_view text, std::chrono::milliseconds deadline) {
  if (fd_ < 0) return false;
  bool closed = false;
  return ReceiveUntil([&] { return buffer_.find(text) != std::string::npos; },
                      Clock::now() + deadline, &closed);
}

std::optional<RawResponse> RawRequest(int port, const std::string& bytes,
                                      std::chrono::milliseconds deadline, bool head_only) {
  RawConnection c(port);
  if (!c.ok() || !c.Send(bytes)) return std::nullopt;
  return c.Read(deadline, head_only);
}

}  // namespace phpeek::http::testing
