#include "tests/support/canned_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace phpeek::testing {

CannedServer::CannedServer(Mode mode, std::string answer, std::string request_end)
    : mode_(mode), answer_(std::move(answer)), request_end_(std::move(request_end)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 64);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

CannedServer::~CannedServer() {
  stop_ = true;
  thread_.join();
  for (int fd : held_) close(fd);
  close(listen_fd_);
}

std::string CannedServer::last_request() const {
  while (busy_.exchange(true)) {
  }
  std::string copy = last_request_;
  busy_ = false;
  return copy;
}

void CannedServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    if (mode_ == Mode::kCloseAtOnce) {
      close(fd);
      continue;
    }
    std::string request;
    char buffer[1024];
    while (request.find(request_end_) == std::string::npos) {
      pollfd r{fd, POLLIN, 0};
      if (poll(&r, 1, 1000) <= 0) break;
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
    }
    while (busy_.exchange(true)) {
    }
    last_request_ = request;
    busy_ = false;
    if (mode_ == Mode::kSilent) {
      held_.push_back(fd);
      continue;
    }
    [[maybe_unused]] const ssize_t sent = write(fd, answer_.data(), answer_.size());
    close(fd);
  }
}

namespace {

// Starts a connect to 127.0.0.1:port and says whether it completed within `ms`.
bool ConnectCompletes(int port, int ms, int* fd_out) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  *fd_out = fd;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return true;
  pollfd p{fd, POLLOUT, 0};
  return poll(&p, 1, ms) > 0;
}

}  // namespace

UnansweringPort::UnansweringPort() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 0);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  // Fill the queue until a connect no longer completes (two usually do).
  for (int i = 0; i < 16; ++i) {
    int fd = -1;
    const bool completed = ConnectCompletes(port_, 300, &fd);
    fillers_.push_back(fd);
    if (!completed) break;
  }
}

UnansweringPort::~UnansweringPort() {
  for (int fd : fillers_) close(fd);
  close(listen_fd_);
}

}  // namespace phpeek::testing
