#include "core/supervisor/commands.h"

#include <sys/eventfd.h>
#include <unistd.h>

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

void ReplySlot::Set(JobReply reply) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    reply_ = std::move(reply);
  }
  cv_.notify_all();
}

std::optional<JobReply> ReplySlot::Wait(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, deadline, [this] { return reply_.has_value(); });
  return reply_;
}

}  // namespace phpeek::supervisor
