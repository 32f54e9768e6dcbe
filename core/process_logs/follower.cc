#include "core/process_logs/follower.h"

#include <utility>

namespace phpeek::process_logs {

size_t RecordBytes(const Record& record) {
  size_t bytes = sizeof(Record) + record.message.size();
  for (const auto& f : record.fields) bytes += sizeof(Field) + f.key.size() + f.value.size();
  return bytes;
}

FollowQueue::FollowQueue(std::string process, std::string instance, FollowLimits limits,
                         std::shared_ptr<std::atomic<uint64_t>> open_count)
    : process_(std::move(process)),
      instance_(std::move(instance)),
      limits_(limits),
      open_count_(std::move(open_count)) {
  if (open_count_) open_count_->fetch_add(1, std::memory_order_relaxed);
}

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
    if (wake_) std::exchange(wake_, nullptr)();
  }
  cv_.notify_one();
  return true;
}

bool FollowQueue::Ready() const {
  std::lock_guard lock(mu_);
  return closed_ || dropped_ > 0 || !queue_.empty();
}

void FollowQueue::WakeWhenReady(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  if (closed_ || dropped_ > 0 || !queue_.empty()) {
    wake();
  } else {
    wake_ = std::move(wake);
  }
}

FollowQueue::Batch FollowQueue::Wait(std::chrono::milliseconds timeout, size_t max_bytes) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return closed_ || dropped_ > 0 || !queue_.empty(); });
  return TakeLocked(max_bytes);
}

FollowQueue::Batch FollowQueue::Take(size_t max_bytes) {
  std::lock_guard lock(mu_);
  return TakeLocked(max_bytes);
}

FollowQueue::Batch FollowQueue::TakeLocked(size_t max_bytes) {
  Batch batch;
  size_t taken = 0;
  while (!queue_.empty()) {
    const size_t bytes = RecordBytes(queue_.front());
    if (!batch.records.empty() && taken + bytes > max_bytes) break;
    taken += bytes;
    batch.records.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  bytes_ -= taken;
  batch.dropped = std::exchange(dropped_, 0);
  batch.closed = closed_ && queue_.empty();
  return batch;
}

void FollowQueue::Close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    if (wake_) std::exchange(wake_, nullptr)();
  }
  if (open_count_) open_count_->fetch_sub(1, std::memory_order_relaxed);
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
