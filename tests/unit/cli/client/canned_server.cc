#include "tests/unit/cli/client/canned_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace phpeek::cli::client::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kLimit = std::chrono::seconds(10);

// Waits for `events` on `fd` until `deadline`; false on timeout.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
}

int ListenTcp(bool v6, int* port) {
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_storage storage{};
  socklen_t length;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    length = sizeof(*a);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof(*a);
  }
  auto* address = reinterpret_cast<sockaddr*>(&storage);
  if (fd < 0 || ::bind(fd, address, length) != 0 || ::listen(fd, 4) != 0 ||
      ::getsockname(fd, address, &length) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  *port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                   : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  return fd;
}

int ListenUnix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::listen(fd, 4) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

CannedServer::CannedServer(CannedAnswer answer, Kind kind, const std::string& unix_path)
    : answer_(std::move(answer)) {
  if (kind == Kind::kUnix) {
    unix_path_ = unix_path;
    listen_fd_ = ListenUnix(unix_path);
  } else {
    listen_fd_ = ListenTcp(kind == Kind::kIpv6, &port_);
  }
  if (listen_fd_ >= 0) thread_ = std::thread([this] { Serve(); });
}

CannedServer::~CannedServer() {
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
}

std::string CannedServer::Request() {
  if (thread_.joinable()) thread_.join();
  return request_;
}

void CannedServer::Serve() {
  if (!WaitFor(listen_fd_, POLLIN, Clock::now() + kLimit)) return;
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  ReadRequest(fd);
  for (size_t i = 0; i < answer_.pieces.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(answer_.pause);
    const std::string& piece = answer_.pieces[i];
    if (::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) < 0) break;
  }
  if (answer_.hold_open) HoldOpen(fd);
  ::close(fd);
}

// Reads the head, then as many body bytes as its Content-Length says.
void CannedServer::ReadRequest(int fd) {
  const auto deadline = Clock::now() + kLimit;
  size_t want = std::string::npos;
  char buffer[4096];
  while (request_.size() < want && WaitFor(fd, POLLIN, deadline)) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return;
    request_.append(buffer, static_cast<size_t>(n));
    const size_t end = request_.find("\r\n\r\n");
    if (end == std::string::npos || want != std::string::npos) continue;
    const size_t at = request_.find("Content-Length: ");
    want = end + 4 + (at < end ? std::stoul(request_.substr(at + 16)) : 0);
  }
}

// Until the client closes (recv returns 0), or the limit passes.
void CannedServer::HoldOpen(int fd) {
  const auto deadline = Clock::now() + kLimit;
  char buffer[256];
  while (Clock::now() < deadline) {
    const auto step = answer_.dribble ? answer_.pause : std::chrono::milliseconds(1000);
    if (WaitFor(fd, POLLIN, Clock::now() + step)) {
      if (::recv(fd, buffer, sizeof(buffer), 0) <= 0) return;
    } else if (answer_.dribble && ::send(fd, "x", 1, MSG_NOSIGNAL) < 0) {
      return;
    }
  }
}

}  // namespace phpeek::cli::client::testing
