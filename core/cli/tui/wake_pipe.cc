#include "core/cli/tui/wake_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <string>

namespace phpeek::cli::tui {
namespace {

constexpr int kWatched[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP};

volatile sig_atomic_t g_resized = 0;
volatile sig_atomic_t g_quit = 0;
volatile sig_atomic_t g_signal_fd = -1;
struct sigaction g_previous[std::size(kWatched)]{};

void OnSignal(int signo) {
  const int saved = errno;
  if (signo == SIGWINCH) {
    g_resized = 1;
  } else {
    g_quit = 1;
  }
  if (g_signal_fd >= 0) {
    const char byte = 's';
    [[maybe_unused]] const ssize_t n = ::write(g_signal_fd, &byte, 1);
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

void WatchSignals(const WakePipe* pipe) {
  g_signal_fd = pipe->write_fd();
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (size_t i = 0; i < std::size(kWatched); ++i) ::sigaction(kWatched[i], &sa, &g_previous[i]);
}

void RestoreSignals() {
  for (size_t i = 0; i < std::size(kWatched); ++i)
    ::sigaction(kWatched[i], &g_previous[i], nullptr);
  g_signal_fd = -1;
}

bool TakeResize() {
  const bool resized = g_resized != 0;
  g_resized = 0;
  return resized;
}

bool QuitRequested() { return g_quit != 0; }

}  // namespace phpeek::cli::tui
