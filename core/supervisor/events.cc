#include "core/supervisor/events.h"

#include <chrono>

namespace phpeek::supervisor {

int64_t UnixMillisNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void EventBus::AddListener(EventListener* listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(listener);
}

void EventBus::Publish(Event event) {
  event.seq = ++seq_;
  event.unix_ms = UnixMillisNow();
  pending_.push_back(std::move(event));
}

void EventBus::Deliver() {
  std::vector<Event> events;
  events.swap(pending_);  // a listener may publish: that event waits for the next Deliver
  std::lock_guard<std::mutex> lock(mu_);
  for (const Event& e : events) {
    for (EventListener* l : listeners_) l->OnEvent(e);
  }
}

void SnapshotStore::Publish(std::vector<ProcessStatus> snapshot) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_.swap(snapshot);
    generation_.fetch_add(1, std::memory_order_release);
  }
  published_.notify_all();
}

bool SnapshotStore::WaitNewer(uint64_t generation,
                              std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  return published_.wait_until(
      lock, deadline, [&] { return generation_.load(std::memory_order_acquire) != generation; });
}

std::vector<ProcessStatus> SnapshotStore::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

std::optional<ProcessStatus> SnapshotStore::GetOne(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& p : snapshot_) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

void SnapshotStore::PublishReadiness(ReadinessStatus readiness) {
  std::lock_guard<std::mutex> lock(mu_);
  readiness_ = std::move(readiness);
}

ReadinessStatus SnapshotStore::Readiness() const {
  std::lock_guard<std::mutex> lock(mu_);
  return readiness_;
}

}  // namespace phpeek::supervisor
