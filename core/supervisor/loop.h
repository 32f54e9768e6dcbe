// The supervisor's one blocking point: epoll over file descriptors (signalfd, eventfd, children's
// pipes) plus deadlines kept in a single timerfd armed for the earliest one. With no deadline and
// no ready descriptor, epoll_wait sleeps without a timeout: an idle daemon wakes zero times.
// Single-threaded: every method is called on the loop's thread.
//
// Deadlines are read on a TimeSource: the steady clock in the daemon, a clock the test advances in
// unit tests (each RunOnce then runs the timers that are due by it, whatever the timerfd says).
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "core/supervisor/time_source.h"

namespace phpeek::supervisor {

class Loop {
 public:
  using FdHandler = std::function<void(uint32_t events)>;
  using TimerHandler = std::function<void()>;
  using TimerId = uint64_t;

  explicit Loop(const TimeSource& time = SteadyTime()) : time_(time) {}
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  bool Init(std::string* err);

  // Watches `fd` (level-triggered). The handler may unwatch any fd, including its own.
  bool Watch(int fd, uint32_t events, FdHandler handler);
  void Unwatch(int fd);

  // Runs `handler` once `when` has passed: at once, or up to `slack` later (the timerfd is armed
  // for the earliest `when + slack`; every timer due by then runs in that wake-up). A slack lets
  // periodic work that need not be exact (500 health probes a second) share wake-ups.
  TimerId AddTimer(Clock::time_point when, TimerHandler handler,
                   Clock::duration slack = Clock::duration::zero());
  void CancelTimer(TimerId id);  // unknown or fired ids are ignored

  // Waits for readiness or a deadline and runs the handlers, then every timer that is due.
  // `wait` false: do not sleep (used while there is queued work such as spawns left over from a
  // big scale-up, and by tests that drive the loop turn by turn).
  void RunOnce(bool wait = true);

  const TimeSource& time() const { return time_; }

  size_t watched() const { return handlers_.size(); }
  size_t timers() const { return timers_.size(); }
  uint64_t wakeups() const { return wakeups_; }

 private:
  struct Watched {
    int fd;
    FdHandler handler;
  };
  void ArmTimerFd();
  void RunDueTimers();

  const TimeSource& time_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  uint64_t next_token_ = 1;  // epoll data; never reused, so a stale event finds nothing
  std::unordered_map<uint64_t, Watched> handlers_;
  std::unordered_map<int, uint64_t> token_of_fd_;
  using TimeMap = std::multimap<Clock::time_point, TimerId>;
  struct Timer {
    TimeMap::iterator due;   // in timers_: when it may run
    TimeMap::iterator wake;  // in wake_at_: when the loop must wake for it at the latest
    TimerHandler handler;
  };
  void EraseTimer(std::unordered_map<TimerId, Timer>::iterator it);
  TimeMap timers_;   // by `when`
  TimeMap wake_at_;  // by `when + slack`
  std::unordered_map<TimerId, Timer> timer_handlers_;
  TimerId next_timer_ = 1;
  Clock::time_point armed_for_ = Clock::time_point::max();
  uint64_t wakeups_ = 0;
};

}  // namespace phpeek::supervisor
