#include "core/supervisor/commands.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include "core/supervisor/events.h"

namespace phpeek::supervisor {

CommandInbox::CommandInbox() : event_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

CommandInbox::~CommandInbox() {
  if (event_fd_ >= 0) close(event_fd_);
}

void CommandInbox::Push(Command command) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(command));
  }
  const uint64_t one = 1;
  ssize_t n = write(event_fd_, &one, sizeof one);
  (void)n;  // EAGAIN means the counter is already non-zero: the loop will wake anyway
}

std::vector<Command> CommandInbox::Drain() {
  uint64_t count;
  ssize_t n = read(event_fd_, &count, sizeof count);
  (void)n;
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Command> out(std::make_move_iterator(queue_.begin()),
                           std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

bool ReloadGate::Begin() {
  std::lock_guard<std::mutex> lock(mu_);
  if (busy_) return false;
  busy_ = true;
  return true;
}

void ReloadGate::Finish(const reload::ReloadResult& result) {
  std::lock_guard<std::mutex> lock(mu_);
  busy_ = false;
  if (result.status == reload::ReloadStatus::kReloaded) {
    ++stats_.success;
    stats_.last_success_unix_ms = UnixMillisNow();
  } else if (result.status == reload::ReloadStatus::kInvalid) {
    ++stats_.failure;
  }
}

reload::ReloadStats ReloadGate::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void ReloadGate::SetStartupLoad(int64_t unix_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.last_success_unix_ms = unix_ms;
}

}  // namespace phpeek::supervisor
