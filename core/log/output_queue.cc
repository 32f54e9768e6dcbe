#include "core/log/output_queue.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace phpeek::log {
namespace {

// Buffers bigger than this are given back once the writer has had nothing to write for
// kIdleBeforeRelease: a flood's big buffers are kept while it lasts (freeing one between two big
// batches cost a trim of the heap and page faults on the next), and an idle daemon is small.
constexpr size_t kKeptBuffer = 256 * 1024;
constexpr auto kIdleBeforeRelease = std::chrono::seconds(1);
// One write(2) at most: a slow reader's progress is seen between them (Slow).
constexpr size_t kMaxWrite = 64 * 1024;

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t CountLines(std::string_view bytes) {
  return static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
}

}  // namespace

OutputQueue::OutputQueue(int fd, size_t capacity, GapReporter reporter)
    : fd_(fd), capacity_(capacity), reporter_(std::move(reporter)) {
  // The writer blocks every signal: the supervisor takes its signals through signalfd and needs
  // them blocked in all threads, and a write to a closed pipe must give EPIPE here rather than a
  // SIGPIPE that ends the daemon.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  writer_ = std::thread([this] { Run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

OutputQueue::~OutputQueue() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void OutputQueue::Push(std::string_view lines, uint64_t count) {
  if (lines.empty()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    const size_t room = capacity_ - std::min(capacity_, queue_.size());
    if (!dropping_.load(std::memory_order_relaxed) && lines.size() <= room) {
      // Past the kept size the queue is a flood's: room for all of it at once, instead of growing
      // by doubling (a copy of everything queued each time).
      if (queue_.size() + lines.size() > std::max(queue_.capacity(), kKeptBuffer)) {
        queue_.reserve(capacity_);
      }
      queue_.append(lines);
      queued_bytes_ += lines.size();
      accepted_.store(queued_bytes_, std::memory_order_relaxed);
    } else {
      // Keep the whole lines that fit (none once a gap has begun), drop the rest.
      size_t keep = 0;
      if (!dropping_.load(std::memory_order_relaxed) && room > 0) {
        const size_t nl = lines.rfind('\n', room - 1);
        keep = nl == std::string_view::npos ? 0 : nl + 1;
      }
      queue_.append(lines.substr(0, keep));
      queued_bytes_ += keep;
      accepted_.store(queued_bytes_, std::memory_order_relaxed);
      const uint64_t kept = CountLines(lines.substr(0, keep));
      const uint64_t lost = count > kept ? count - kept : 0;
      gap_ += lost;
      dropped_total_.fetch_add(lost, std::memory_order_relaxed);
      dropping_.store(true, std::memory_order_relaxed);
    }
  }
  wake_.notify_one();
}

void OutputQueue::CountDropped(uint64_t count) {
  std::lock_guard<std::mutex> lk(mu_);
  gap_ += count;
  dropped_total_.fetch_add(count, std::memory_order_relaxed);
  dropping_.store(true, std::memory_order_relaxed);
}

size_t OutputQueue::queued() const {
  std::lock_guard<std::mutex> lk(mu_);
  return queue_.size();
}

bool OutputQueue::Slow(size_t backlog, std::chrono::milliseconds recent) const {
  const uint64_t waiting =
      accepted_.load(std::memory_order_relaxed) - done_.load(std::memory_order_relaxed);
  if (waiting <= backlog) return false;
  const int64_t since = SteadyNs() - last_progress_ns_.load(std::memory_order_relaxed);
  return since <= std::chrono::duration_cast<std::chrono::nanoseconds>(recent).count();
}

void OutputQueue::WakeWhenBelow(int fd, size_t backlog) {
  {
    std::lock_guard<std::mutex> lk(wake_mu_);
    wake_fds_.push_back(fd);
    wake_backlog_ = backlog;
    wake_armed_.store(true, std::memory_order_release);
  }
  WakeIfCaughtUp();  // the writer may have caught up (or gone idle) before the request
}

void OutputQueue::CancelWake(int fd) {
  std::lock_guard<std::mutex> lk(wake_mu_);
  std::erase(wake_fds_, fd);
  if (wake_fds_.empty()) wake_armed_.store(false, std::memory_order_relaxed);
}

void OutputQueue::WakeIfCaughtUp() {
  if (!wake_armed_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lk(wake_mu_);
  const uint64_t waiting =
      accepted_.load(std::memory_order_relaxed) - done_.load(std::memory_order_relaxed);
  if (wake_fds_.empty() || waiting > wake_backlog_) return;
  for (const int fd : wake_fds_) eventfd_write(fd, 1);
  wake_fds_.clear();
  wake_armed_.store(false, std::memory_order_relaxed);
}

bool OutputQueue::WaitWritten(std::chrono::milliseconds idle, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  std::unique_lock<std::mutex> lk(mu_);
  const uint64_t target = queued_bytes_;
  while (written_bytes_ < target) {
    const uint64_t before = written_bytes_;
    const auto until = std::min(end, std::chrono::steady_clock::now() + idle);
    written_.wait_until(lk, until, [&] { return written_bytes_ != before; });
    if (written_bytes_ == before || std::chrono::steady_clock::now() >= end) break;
  }
  return written_bytes_ >= target;
}

void OutputQueue::Run() {
  std::string batch;
  while (true) {
    uint64_t gap = 0;
    {
      std::unique_lock<std::mutex> lk(mu_);
      const auto ready = [&] { return !queue_.empty() || stop_; };
      if (!ready() && std::max(batch.capacity(), queue_.capacity()) > kKeptBuffer &&
          !wake_.wait_for(lk, kIdleBeforeRelease, ready)) {
        std::string().swap(batch);
        std::string().swap(queue_);
      }
      wake_.wait(lk, ready);
      if (queue_.empty()) return;  // stopping, and everything is written
      batch.swap(queue_);
      gap = gap_;
      gap_ = 0;
      dropping_.store(false, std::memory_order_relaxed);
    }
    // The previous write went through, so writing has resumed: the notice is queued now and
    // written right after this batch, where the gap is.
    if (gap > 0 && reporter_) reporter_(gap);
    const size_t written = WriteAll(batch);
    if (written < batch.size()) {
      // stdout is gone (closed pipe, bad descriptor): what was not written is lost too.
      dropped_total_.fetch_add(CountLines(std::string_view(batch).substr(written)),
                               std::memory_order_relaxed);
    }
    done_.fetch_add(batch.size() - written, std::memory_order_relaxed);  // what was lost
    WakeIfCaughtUp();
    {
      std::lock_guard<std::mutex> lk(mu_);
      written_bytes_ += batch.size();
    }
    written_.notify_all();
    batch.clear();  // its buffer becomes the queue's at the next swap
  }
}

size_t OutputQueue::WriteAll(std::string_view data) {
  std::string_view rest = data;
  while (!rest.empty()) {
    const ssize_t n = write(fd_, rest.data(), std::min(rest.size(), kMaxWrite));
    if (n > 0) {
      rest.remove_prefix(static_cast<size_t>(n));
      done_.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
      last_progress_ns_.store(SteadyNs(), std::memory_order_relaxed);
      WakeIfCaughtUp();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Someone who shares the open file description made it non-blocking: wait as a blocking
      // write would.
      pollfd p{fd_, POLLOUT, 0};
      poll(&p, 1, -1);
      continue;
    }
    break;
  }
  return data.size() - rest.size();
}

}  // namespace phpeek::log
