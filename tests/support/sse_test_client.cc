#include "tests/support/sse_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace phpeek::testing::http {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

SseTestClient::SseTestClient(int port, const std::string& target,
                             const std::map<std::string, std::string>& headers,
                             int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if (receive_buffer > 0) {
    (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
    return;
  }
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
  request += "\r\n";
  std::string_view rest = request;
  while (!rest.empty()) {
    const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server may refuse before reading it all; its answer still counts
    rest.remove_prefix(static_cast<size_t>(n));
  }
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (buffer_.find("\r\n\r\n") == std::string::npos) {
    if (!Receive(deadline)) return;
  }
  const size_t end = buffer_.find("\r\n\r\n") + 4;
  if (!::phpeek::http::testing::ParseResponseHead(buffer_.substr(0, end), &head_)) head_ = {};
  buffer_.erase(0, end);
  raw_ = buffer_;
}

SseTestClient::~SseTestClient() { Close(); }

void SseTestClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string SseTestClient::Header(const std::string& name) const { return head_.Header(name); }

bool SseTestClient::Receive(Clock::time_point deadline) {
  while (fd_ >= 0 && !ended_) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ended_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    if (head_.status != 0) raw_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  return false;
}

std::string SseTestClient::Body(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Receive(deadline)) {
  }
  return buffer_;
}

std::optional<SseEvent> SseTestClient::Next(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    // One block per blank line; a block of comments only is counted and skipped.
    const size_t end = buffer_.find("\n\n");
    if (end != std::string::npos) {
      const std::string block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      SseEvent ev;
      bool has_field = false;
      size_t start = 0;
      while (start <= block.size()) {
        size_t line_end = block.find('\n', start);
        if (line_end == std::string::npos) line_end = block.size();
        const std::string line = block.substr(start, line_end - start);
        start = line_end + 1;
        if (line.empty()) continue;
        if (line[0] == ':') {
          ++comments_;
          continue;
        }
        const size_t colon = line.find(':');
        const std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        has_field = true;
        if (field == "id") ev.id = value;
        if (field == "event") ev.event = value;
        if (field == "data") ev.data += (ev.data.empty() ? "" : "\n") + value;
      }
      if (has_field) return ev;
      continue;
    }
    if (!Receive(deadline)) return std::nullopt;
  }
}

std::vector<SseEvent> SseTestClient::Take(size_t count, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::vector<SseEvent> out;
  while (out.size() < count) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    std::optional<SseEvent> ev = Next(left);
    if (!ev) break;
    out.push_back(std::move(*ev));
  }
  return out;
}

bool SseTestClient::WaitEnded(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!ended_ && Clock::now() < deadline) {
    if (!Receive(deadline)) break;
    if (buffer_.size() > (1 << 20)) buffer_.clear();
  }
  return ended_;
}

}  // namespace phpeek::testing::http
