#include "core/supervisor/loop.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace phpeek::supervisor {
namespace {
constexpr uint64_t kTimerToken = 0;
}

Loop::~Loop() {
  if (timer_fd_ >= 0) close(timer_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

bool Loop::Init(std::string* err) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (epoll_fd_ < 0 || timer_fd_ < 0) {
    *err = std::string("cannot create event loop: ") + std::strerror(errno);
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTimerToken;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev) != 0) {
    *err = std::string("cannot watch timerfd: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool Loop::Watch(int fd, uint32_t events, FdHandler handler) {
  const uint64_t token = next_token_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  handlers_[token] = Watched{fd, std::move(handler)};
  token_of_fd_[fd] = token;
  return true;
}

void Loop::Unwatch(int fd) {
  auto it = token_of_fd_.find(fd);
  if (it == token_of_fd_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(it->second);
  token_of_fd_.erase(it);
}

Loop::TimerId Loop::AddTimer(Clock::time_point when, TimerHandler handler, Clock::duration slack) {
  const TimerId id = next_timer_++;
  const Clock::time_point latest = when + slack;
  timer_handlers_.emplace(
      id, Timer{timers_.emplace(when, id), wake_at_.emplace(latest, id), std::move(handler)});
  if (latest < armed_for_) ArmTimerFd();
  return id;
}

void Loop::EraseTimer(std::unordered_map<TimerId, Timer>::iterator it) {
  timers_.erase(it->second.due);
  wake_at_.erase(it->second.wake);
  timer_handlers_.erase(it);
}

void Loop::CancelTimer(TimerId id) {
  auto it = timer_handlers_.find(id);
  if (it == timer_handlers_.end()) return;
  EraseTimer(it);
  // The timerfd may stay armed for a deadline that is gone: it then fires once, finds nothing
  // due and re-arms for the next (or disarms). Cheaper than re-arming on every cancel.
}

// Armed relative to the time source's now, so that the timerfd follows whichever clock the loop
// reads (a test's clock only makes it wake early or late: due timers are checked on every turn).
void Loop::ArmTimerFd() {
  itimerspec spec{};
  if (wake_at_.empty()) {
    armed_for_ = Clock::time_point::max();
  } else {
    armed_for_ = wake_at_.begin()->first;
    const auto ns = std::max<int64_t>(
        1, std::chrono::duration_cast<std::chrono::nanoseconds>(armed_for_ - time_.Now()).count());
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
  }
  timerfd_settime(timer_fd_, 0, &spec, nullptr);
}

void Loop::RunDueTimers() {
  uint64_t expirations;
  ssize_t n = read(timer_fd_, &expirations, sizeof expirations);
  (void)n;
  const auto now = time_.Now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto it = timer_handlers_.find(timers_.begin()->second);
    TimerHandler handler = std::move(it->second.handler);
    EraseTimer(it);
    handler();
  }
  ArmTimerFd();
}

void Loop::RunOnce(bool wait) {
  epoll_event events[64];
  const int n = epoll_wait(epoll_fd_, events, 64, wait ? -1 : 0);
  ++wakeups_;
  if (n < 0) return;  // EINTR: signals are taken through signalfd, so this is rare and harmless
  bool timer_fired = false;
  for (int i = 0; i < n; ++i) {
    const uint64_t token = events[i].data.u64;
    if (token == kTimerToken) {
      timer_fired = true;  // timers run below, by the time source
      continue;
    }
    auto it = handlers_.find(token);
    if (it == handlers_.end()) continue;     // unwatched by an earlier handler in this batch
    FdHandler handler = it->second.handler;  // copy: the handler may unwatch itself
    handler(events[i].events);
  }
  // Also when the timerfd fired with nothing due (a cancelled deadline, or a test's clock that has
  // not reached it): reading it and re-arming keeps it from waking us again at once.
  if (timer_fired || (!timers_.empty() && timers_.begin()->first <= time_.Now())) RunDueTimers();
}

}  // namespace phpeek::supervisor
