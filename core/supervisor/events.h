// What the loop tells the outside world: events delivered to listeners on the loop thread, and the
// status snapshot that any thread may copy. The loop rebuilds the snapshot after a turn in which
// something changed and swaps it in under a mutex, so readers never see a half-applied change and
// never wait on supervision work.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "core/supervisor/control.h"

namespace phpeek::supervisor {

// Events wait for the snapshot that shows them: the loop publishes while it handles a wake-up and
// delivers after the turn's snapshot, so a listener that reads the process table on an event (a
// plugin's process_list) never sees the state from before it.
class EventBus {
 public:
  // Before Run(); listeners must outlive the loop.
  void AddListener(EventListener* listener);
  // Loop thread: stamps seq and time and keeps the event for Deliver().
  void Publish(Event event);
  // Loop thread, after the snapshot: calls every listener in order with each kept event.
  void Deliver();

 private:
  std::mutex mu_;  // only guards registration against a concurrent Deliver
  std::vector<EventListener*> listeners_;
  std::vector<Event> pending_;  // loop thread only
  uint64_t seq_ = 0;
};

class SnapshotStore {
 public:
  void Publish(std::vector<ProcessStatus> snapshot);
  std::vector<ProcessStatus> Get() const;
  std::optional<ProcessStatus> GetOne(std::string_view name) const;
  // The daemon's readiness, published with each snapshot (before it, so that a reader who sees
  // a new generation also sees its readiness).
  void PublishReadiness(ReadinessStatus readiness);
  ReadinessStatus Readiness() const;
  // Counts publishes; lock-free, so that readers checking for a change never contend with the loop.
  uint64_t Generation() const { return generation_.load(std::memory_order_acquire); }
  // Waits until a snapshot newer than `generation` is published, or `deadline`. Returns whether
  // one was.
  bool WaitNewer(uint64_t generation, std::chrono::steady_clock::time_point deadline) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable published_;
  std::vector<ProcessStatus> snapshot_;  // guarded by mu_
  ReadinessStatus readiness_;            // guarded by mu_
  std::atomic<uint64_t> generation_{0};  // written under mu_, after the swap
};

int64_t UnixMillisNow();

}  // namespace phpeek::supervisor
