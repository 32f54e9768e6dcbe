// The way from the logger to the daemon's stdout: a bounded queue of rendered lines that one writer
// thread drains with ordinary blocking writes. A thread that logs only appends to the queue, so
// no caller (the supervisor loop, a plugin thread) ever waits for stdout, however stalled it is (a
// pipe nobody reads, a paused log driver, a full journald).
//
// Why a writer thread and not O_NONBLOCK on stdout: the flag belongs to the open file description,
// which the daemon shares with whoever gave it the descriptor (the terminal, the container runtime,
// a parent shell) and with every child that inherited it; setting it would change their writes
// too (a shell reading a non-blocking terminal gets EAGAIN). A thread blocked in write(2) touches
// nothing but itself.
//
// When the queue is full, lines are dropped and counted; from the first drop on, every line is
// dropped until the writer has taken what is queued, so the gap is in one place. Once the writer
// takes the queue after a gap (stdout accepted the previous write: writing has resumed), it calls
// the gap reporter with the number lost; the logger turns that into one warning line.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace phpeek::log {

class OutputQueue {
 public:
  // Called on the writer thread, with no lock held, with the number of lines lost in a gap.
  using GapReporter = std::function<void(uint64_t dropped)>;

  // Writes to `fd` (not owned). At most `capacity` bytes wait at any time.
  OutputQueue(int fd, size_t capacity, GapReporter reporter = nullptr);
  // Writes what is queued, then joins the writer: a stalled `fd` must be unblocked first (read
  // from, or its reader closed). The daemon's own queue is never destroyed.
  ~OutputQueue();
  OutputQueue(const OutputQueue&) = delete;
  OutputQueue& operator=(const OutputQueue&) = delete;

  // Queues `lines` (`count` whole lines, each ending in '\n'), or drops and counts them when they
  // do not fit. Never blocks on the writer's I/O: the lock is only held to append.
  void Push(std::string_view lines, uint64_t count);
  // For lines dropped before they were even rendered (while dropping() is true).
  void CountDropped(uint64_t count);
  // True from a drop until the writer takes the queue: callers may skip rendering.
  bool dropping() const { return dropping_.load(std::memory_order_relaxed); }
  uint64_t dropped_total() const { return dropped_total_.load(std::memory_order_relaxed); }
  // Bytes waiting in the queue, not yet taken by the writer.
  size_t queued() const;
  // True while more than `backlog` bytes wait and the writer has written something within
  // `recent`: stdout takes lines, but slower than they come. (A stalled stdout is not slow: the
  // writer makes no progress, and lines are dropped as above.) Lock-free, for every line read.
  bool Slow(size_t backlog, std::chrono::milliseconds recent) const;
  // Writes 1 to the eventfd `fd` (on the writer thread) once no more than `backlog` bytes wait,
  // or at once if that is so now: a reader that paused while Slow() resumes as soon as stdout has
  // caught up, neither later (the writer idle) nor sooner. Every waiting fd shares the last
  // `backlog` given. CancelWake(fd) takes the request back; after it, `fd` is never written.
  void WakeWhenBelow(int fd, size_t backlog);
  void CancelWake(int fd);

  // Waits until every byte queued before the call has been written (or lost to a write error).
  // Gives up when the writer makes no progress for `idle` or when `limit` has passed, so that a
  // stalled stdout cannot hold the caller. Returns whether everything was written.
  bool WaitWritten(std::chrono::milliseconds idle, std::chrono::milliseconds limit);

 private:
  void Run();
  // write(2) until done or the descriptor fails for good (closed pipe, EBADF, ...); returns the
  // number of bytes written.
  size_t WriteAll(std::string_view data);
  void WakeIfCaughtUp();

  const int fd_;
  const size_t capacity_;
  const GapReporter reporter_;

  mutable std::mutex mu_;
  std::condition_variable wake_;     // the writer: something was queued, or stop
  std::condition_variable written_;  // WaitWritten: the writer finished a write
  std::string queue_;
  uint64_t queued_bytes_ = 0;   // every byte ever accepted
  uint64_t written_bytes_ = 0;  // every byte ever handed to write(2) and done with
  uint64_t gap_ = 0;            // lines dropped since the writer last took the queue
  bool stop_ = false;
  std::atomic<bool> dropping_{false};
  std::atomic<uint64_t> dropped_total_{0};
  // For Slow, without the lock: bytes accepted (queued_bytes_), bytes done with (written or lost
  // to a failed write, counted per write(2)), and when a write(2) last wrote (steady clock, ns).
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> done_{0};
  std::atomic<int64_t> last_progress_ns_{0};

  std::mutex wake_mu_;         // guards the two below; held while the fds are written
  std::vector<int> wake_fds_;  // WakeWhenBelow's eventfds
  size_t wake_backlog_ = 0;
  std::atomic<bool> wake_armed_{false};  // wake_fds_ is not empty: the writer checks after writes
  std::thread writer_;
};

}  // namespace phpeek::log
