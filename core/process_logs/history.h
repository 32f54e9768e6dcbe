// The log history: each instance's last lines, kept across its restarts (a ring per instance id,
// not per pid: the crash log is what people look for), within three bounds:
//   - per instance: `lines_per_instance` lines and `bytes_per_instance` bytes (oldest go first;
//     a single line above the byte bound is kept alone, since the newest line is the one wanted);
//   - all together: `total_bytes`; past it, the oldest lines of the largest rings go first, until
//     the total is back under the bound less a small slack (1/64 of it, at most 1 MiB), so that a
//     full history is not rescanned on every line.
// A line's cost, which the bounds and memory_bytes() count, is its message's heap bytes, its own
// fields and a fixed overhead; the labels are the process's, shared by every line, and not
// counted per line.
//
// Every record gets the next `seq` (from 1, across all instances). Readers get pages (by process,
// instance, since-seq, limit; oldest first) and followers (a backlog page, then every later
// record through a bounded queue: follower.h), handed over atomically: no gap, no duplicate.
//
// An instance that goes away (scaled down, its process removed by a reload) is retired, not
// forgotten: its lines stay readable (what did the removed worker say last?) until the total
// bound needs room, when retired rings go first, whole, oldest retirement first; at most
// kMaxRetired are kept. The same instance id coming back (scaled up again) takes its ring back.
//
// Thread-safety: one thread writes (Register, Append, Retire, Remove, SetLimits: the supervisor
// loop, one call or one WriteBatch at a time; CloseFollowers once it has ended); any thread reads
// (Read, Follow, stats: plugin threads). One mutex guards the rings and the follower list: Append
// holds it to store a line and offer it to followers (each follower's queue has its own mutex,
// taken inside; never the other way round). A reader holds it while it copies a page, so callers
// bound `limit` (the host services do: at most 10000). stats() reads atomics, without the lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/process_logs/follower.h"
#include "core/process_logs/record.h"

namespace phpeek::process_logs {

struct HistoryLimits {
  size_t lines_per_instance = 1000;        // global.log_buffer_lines; 0 keeps no history
  size_t bytes_per_instance = 256 * 1024;  // global.log_buffer_bytes
  size_t total_bytes = 64 * 1024 * 1024;   // global.log_buffer_total_bytes
};

struct HistoryQuery {
  std::string process;            // empty: every process
  std::string instance;           // empty: every instance (of `process`, when set)
  std::optional<uint64_t> since;  // set: the oldest `limit` records with seq > since
  size_t limit = 100;             // without since: the newest `limit` records
};

struct HistoryPage {
  std::vector<Record> records;  // oldest first
  bool more = false;            // matching records were left out by `limit`
  uint64_t newest_seq = 0;      // the newest seq handed out so far (0: none yet)
};

struct HistoryStats {
  uint64_t memory_bytes = 0;    // the cost of every kept line (what the bounds count)
  uint64_t lines = 0;           // kept lines
  uint64_t instances = 0;       // rings
  uint64_t budget_evicted = 0;  // lines evicted to keep under total_bytes (retired rings' too)
  uint64_t followers = 0;       // open followers
};

class LogHistory {
 public:
  // Identifies an instance's ring for Append; stays valid until Remove of that instance.
  using Handle = uint64_t;

  explicit LogHistory(HistoryLimits limits = {});
  // Closes every follower (their Wait returns `closed`).
  ~LogHistory();
  LogHistory(const LogHistory&) = delete;
  LogHistory& operator=(const LogHistory&) = delete;

  // --- writer (the supervisor loop) ---
  // While one lives, the writer's calls take the lock once, not each: the lines of one read of a
  // child's pipe are stored under one lock (a flood paid a lock per line). Readers wait for at
  // most one batch. Writer thread only; does nothing for a null history.
  class WriteBatch {
   public:
    explicit WriteBatch(LogHistory* history);
    ~WriteBatch();
    WriteBatch(const WriteBatch&) = delete;
    WriteBatch& operator=(const WriteBatch&) = delete;

   private:
    LogHistory* history_;
  };
  // The ring of `instance` (created on first use; the same ring after a restart).
  Handle Register(std::string_view process, std::string_view instance);
  // Stores `entry`, offers it to the followers, and returns its seq (0 for an unknown handle).
  uint64_t Append(Handle handle, const Entry& entry);
  // The instance went away (scaled down, or its process removed by a reload): its lines stay
  // readable until the total bound needs room (see above). Its handle stays valid.
  void Retire(std::string_view instance);
  // Forgets an instance and its lines at once; its handle is dead from then on.
  void Remove(std::string_view instance);
  // New bounds (a reload): rings over them are trimmed at once.
  void SetLimits(const HistoryLimits& limits);
  // The daemon's run is over: every follower is closed (after what it has queued, its reader
  // learns that no line will come any more), and so is every later one, after its backlog.
  void CloseFollowers();

  static constexpr size_t kMaxRetired = 1024;

  // --- readers (any thread) ---
  HistoryPage Read(const HistoryQuery& query) const;
  struct FollowStart {
    HistoryPage backlog;  // what Read(query) would answer
    Follower live;        // every later record matching query.process / query.instance
  };
  FollowStart Follow(const HistoryQuery& query, FollowLimits limits = {});
  bool HasInstance(std::string_view instance) const;
  // The process whose ring `instance` is; "" when none is kept.
  std::string ProcessOf(std::string_view instance) const;
  // Whether a ring of `process` is kept (also after the process was removed by a reload).
  bool HasProcess(std::string_view process) const;
  // `followers` counts the open ones: a follower closed by its reader is no longer counted.
  HistoryStats stats() const;

  // Storage, defined in history_ring.h (opaque to every other file).
  struct Line;
  struct Ring;

 private:
  // The writer's lock: the mutex, unless a WriteBatch holds it already.
  std::unique_lock<std::mutex> WriterLock();
  Ring* Find(Handle handle);
  std::vector<const Ring*> Matching(const HistoryQuery& query) const;
  HistoryPage ReadLocked(const HistoryQuery& query) const;
  void Store(Ring& ring, uint64_t seq, const Entry& entry);
  void PopOldest(Ring& ring, std::string* recycle);
  void TrimRing(Ring& ring);
  void DropRing(uint32_t index);
  void EnforceTotal();
  void Offer(const Ring& ring, uint64_t seq, const Entry& entry);
  void PruneFollowers();
  void PublishStats();

  mutable std::mutex mu_;
  bool in_batch_ = false;  // the writer holds mu_ for a WriteBatch (writer thread only)
  HistoryLimits limits_;
  uint64_t seq_ = 0;
  std::vector<std::unique_ptr<Ring>> slots_;  // index = low 32 bits of a Handle
  std::vector<uint32_t> generations_;         // per slot; high 32 bits of a Handle
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string, uint32_t> by_instance_;
  std::deque<std::string> retired_;  // retired instances, oldest retirement first
  std::vector<std::shared_ptr<FollowQueue>> followers_;
  bool followers_closed_ = false;  // CloseFollowers was called
  uint64_t total_bytes_ = 0;
  uint64_t total_lines_ = 0;

  std::atomic<uint64_t> stat_bytes_{0}, stat_lines_{0}, stat_instances_{0}, stat_evicted_{0};
  // Open followers: each queue decrements it once, when it is closed (by whichever side).
  std::shared_ptr<std::atomic<uint64_t>> open_followers_ =
      std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace phpeek::process_logs
