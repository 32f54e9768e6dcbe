// A live subscriber to the log history (LogHistory::Follow): the records appended after it
// started, in order, through a bounded queue of its own. When the reader falls behind and the
// queue is full, new records are dropped and counted, never waited for: the writer (the
// supervisor loop) never blocks on a follower. The reader learns the count and decides (neither
// an SSE log stream nor a plugin ABI log service exists yet: the first is meant to send
// `event: overflow` and close, the second to report the count and carry on).
//
// Thread-safety: any thread may call any method (typically one reader thread per follower; the
// history delivers from the loop thread). Destroying the Follower unsubscribes it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/process_logs/record.h"

namespace phpeek::process_logs {

struct FollowLimits {
  size_t max_lines = 10000;            // records waiting in the queue
  size_t max_bytes = 4 * 1024 * 1024;  // their messages and fields
};

// The queue shared by a Follower and the history.
class FollowQueue {
 public:
  FollowQueue(std::string process, std::string instance, FollowLimits limits);

  struct Batch {
    std::vector<Record> records;  // oldest first
    uint64_t dropped = 0;         // records lost since the previous batch (the queue was full)
    bool closed = false;          // no record will come any more
  };

  // Called by the history (under its lock) for a record that Matches: queues it, or counts it as
  // dropped when the queue is full. Returns false once the queue is closed.
  bool Offer(const Record& record);
  bool Matches(const std::string& process, const std::string& instance) const;
  // Waits until something is queued or dropped, the queue is closed, or `timeout` passes, then
  // takes everything queued.
  Batch Wait(std::chrono::milliseconds timeout);
  Batch Take();
  void Close();
  bool closed() const;
  uint64_t dropped_total() const;

 private:
  Batch TakeLocked();

  const std::string process_;   // empty: any
  const std::string instance_;  // empty: any
  const FollowLimits limits_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Record> queue_;
  size_t bytes_ = 0;
  uint64_t dropped_ = 0;  // since the last batch
  uint64_t dropped_total_ = 0;
  bool closed_ = false;
};

// The reader's handle. Movable; closing (or destroying) it stops delivery.
class Follower {
 public:
  Follower() = default;
  explicit Follower(std::shared_ptr<FollowQueue> queue) : queue_(std::move(queue)) {}
  Follower(Follower&&) = default;
  // Closes the queue this one held: a replaced subscription must not stay with the history.
  Follower& operator=(Follower&& other) noexcept {
    if (this != &other) {
      Close();
      queue_ = std::move(other.queue_);
    }
    return *this;
  }
  ~Follower() { Close(); }

  FollowQueue::Batch Wait(std::chrono::milliseconds timeout) { return queue_->Wait(timeout); }
  FollowQueue::Batch Take() { return queue_->Take(); }
  uint64_t dropped_total() const { return queue_->dropped_total(); }
  void Close() {
    if (queue_) queue_->Close();
  }

 private:
  std::shared_ptr<FollowQueue> queue_;
};

// The cost of a record in a follower's queue (and of the copy a reader gets).
size_t RecordBytes(const Record& record);

}  // namespace phpeek::process_logs
