// A live subscriber to the log history (LogHistory::Follow): the records appended after it
// started, in order, through a bounded queue of its own. When the reader falls behind and the
// queue is full, new records are dropped and counted, never waited for: the writer (the
// supervisor loop) never blocks on a follower. The reader learns the count and decides (the
// plugin ABI's log_next reports it and carries on; an SSE log stream sends `event: overflow`).
//
// Thread-safety: any thread may call any method (typically one reader thread per follower; the
// history delivers from the loop thread). Destroying the Follower unsubscribes it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
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
  // `open_count`, when set, counts open queues: incremented here, decremented once at Close.
  FollowQueue(std::string process, std::string instance, FollowLimits limits,
              std::shared_ptr<std::atomic<uint64_t>> open_count = nullptr);

  struct Batch {
    std::vector<Record> records;  // oldest first
    uint64_t dropped = 0;         // records lost since the previous batch (the queue was full)
    bool closed = false;          // no record will come any more
  };

  // Called by the history (under its lock) for a record that Matches: queues it, or counts it as
  // dropped when the queue is full. Returns false once the queue is closed.
  bool Offer(const Record& record);
  bool Matches(const std::string& process, const std::string& instance) const;
  // Whether Wait would return at once: something queued or dropped, or the queue closed.
  bool Ready() const;
  // Calls `wake` once, when the queue next becomes ready (at once when it is): for a reader that
  // waits in a poll loop rather than in Wait (an isolated plugin's log_next). `wake` runs under
  // the queue's lock, on the writer's thread: it must be quick and must not call back in. Closing
  // makes the queue ready (its reader must learn it): after Close has returned, none runs.
  void WakeWhenReady(std::function<void()> wake);
  // Waits until something is queued or dropped, the queue is closed, or `timeout` passes, then
  // takes what is queued, oldest first, up to `max_bytes` (RecordBytes; at least one record):
  // the rest stays for the next call, and `closed` is only set with the last of them.
  Batch Wait(std::chrono::milliseconds timeout, size_t max_bytes = SIZE_MAX);
  Batch Take(size_t max_bytes = SIZE_MAX);
  void Close();
  bool closed() const;
  uint64_t dropped_total() const;

 private:
  Batch TakeLocked(size_t max_bytes);

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
  std::function<void()> wake_;
  std::shared_ptr<std::atomic<uint64_t>> open_count_;
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

  FollowQueue::Batch Wait(std::chrono::milliseconds timeout, size_t max_bytes = SIZE_MAX) {
    return queue_->Wait(timeout, max_bytes);
  }
  FollowQueue::Batch Take(size_t max_bytes = SIZE_MAX) { return queue_->Take(max_bytes); }
  uint64_t dropped_total() const { return queue_->dropped_total(); }
  bool Ready() const { return queue_->Ready(); }
  void WakeWhenReady(std::function<void()> wake) { queue_->WakeWhenReady(std::move(wake)); }
  void Close() {
    if (queue_) queue_->Close();
  }

 private:
  std::shared_ptr<FollowQueue> queue_;
};

// The cost of a record in a follower's queue (and of the copy a reader gets).
size_t RecordBytes(const Record& record);

}  // namespace phpeek::process_logs
