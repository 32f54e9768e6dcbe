#include "core/process_logs/follower.h"

#include <utility>

namespace phpeek::process_logs {

size_t RecordBytes(const Record& record) {
  size_t bytes = sizeof(Record) + record.message.size();
  for (const auto& f : record.fields) bytes += sizeof(Field) + f.key.size() + f.value.size();
  return bytes;
}

FollowQueue::FollowQueue(std::string process, std::string instance, FollowLimits limits)
    : process_(std::move(process)), instance_(std::move(instance)), limits_(limits) {}

bool FollowQueue::Matches(const std::string& process, const std::string& instance) const {
  return (process_.empty() || process_ == process) && (instance_.empty() || instance_ == instance);
}

bool FollowQueue::Offer(const Record& record) {
  const size_t bytes = RecordBytes(record);
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (queue_.size() >= limits_.max_lines || bytes_ + bytes > limits_.max_bytes) {
      ++dropped_;
      ++dropped_total_;
    } else {
      queue_.push_back(record);
      bytes_ += bytes;
    }
  }
  cv_.notify_one();
  return true;
}

FollowQueue::Batch FollowQueue::Wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return closed_ || dropped_ > 0 || !queue_.empty(); });
  return TakeLocked();
}

FollowQueue::Batch FollowQueue::Take() {
  std::lock_guard lock(mu_);
  return TakeLocked();
}

FollowQueue::Batch FollowQueue::TakeLocked() {
  Batch batch;
  batch.records.reserve(queue_.size());
  for (auto& r : queue_) batch.records.push_back(std::move(r));
  queue_.clear();
  bytes_ = 0;
  batch.dropped = std::exchange(dropped_, 0);
  batch.closed = closed_;
  return batch;
}

void FollowQueue::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool FollowQueue::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

uint64_t FollowQueue::dropped_total() const {
  std::lock_guard lock(mu_);
  return dropped_total_;
}

}  // namespace phpeek::process_logs
