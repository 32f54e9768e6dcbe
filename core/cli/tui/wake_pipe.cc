#include "core/cli/tui/wake_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

namespace phpeek::cli::tui {
namespace {

volatile sig_atomic_t g_resized = 0;
volatile sig_atomic_t g_resize_fd = -1;
struct sigaction g_previous_winch {};

void OnWinch(int) {
  const int saved = errno;
  g_resized = 1;
  if (g_resize_fd >= 0) {
    const char byte = 'w';
    [[maybe_unused]] const ssize_t n = ::write(g_resize_fd, &byte, 1);
  }
  errno = saved;
}

}  // namespace

WakePipe::WakePipe() {
  if (::pipe2(fds_, O_NONBLOCK | O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
}

WakePipe::~WakePipe() {
  for (int fd : fds_) {
    if (fd >= 0) ::close(fd);
  }
}

void WakePipe::Notify() const {
  const char byte = 'x';
  [[maybe_unused]] const ssize_t n = ::write(fds_[1], &byte, 1);
}

void WakePipe::Drain() const {
  char buffer[256];
  while (::read(fds_[0], buffer, sizeof buffer) > 0) {
  }
}

void WatchResizeSignal(const WakePipe* pipe) {
  g_resize_fd = pipe->write_fd();
  struct sigaction sa {};
  sa.sa_handler = OnWinch;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGWINCH, &sa, &g_previous_winch);
}

void RestoreResizeSignal() {
  ::sigaction(SIGWINCH, &g_previous_winch, nullptr);
  g_resize_fd = -1;
}

bool TakeResize() {
  const bool resized = g_resized != 0;
  g_resized = 0;
  return resized;
}

}  // namespace phpeek::cli::tui
