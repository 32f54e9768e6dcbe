#include "plugins/common/http/socket_transport.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace phpeek::http {
namespace {

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace

SocketTransport::~SocketTransport() {
  if (fd_ >= 0) ::close(fd_);
}

IoResult SocketTransport::Receive(char* buffer, size_t size) {
  while (true) {
    const ssize_t n = ::recv(fd_, buffer, size, MSG_DONTWAIT);
    if (n > 0) return {IoStatus::kOk, static_cast<size_t>(n)};
    if (n == 0) return {IoStatus::kEnd, 0};
    if (errno == EINTR) continue;
    return {WouldBlock(errno) ? IoStatus::kWouldBlock : IoStatus::kFailed, 0};
  }
}

IoResult SocketTransport::Send(std::string_view bytes) {
  while (true) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return {IoStatus::kOk, static_cast<size_t>(n)};
    if (errno == EINTR) continue;
    return {WouldBlock(errno) ? IoStatus::kWouldBlock : IoStatus::kFailed, 0};
  }
}

bool SocketTransport::InputPending() {
  char byte = 0;
  return ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

void SocketTransport::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

}  // namespace phpeek::http
