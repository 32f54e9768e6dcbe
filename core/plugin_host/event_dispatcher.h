// One plugin's event subscriptions and the host-owned thread that delivers them. The supervisor
// loop pushes events (never blocking: each subscription has a bounded queue that drops its oldest
// entry when full and counts the loss); the dispatch thread calls the plugin's callbacks one at a
// time, in increasing seq order across all of the plugin's subscriptions.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/supervisor/control.h"
#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_host {

// An Event in the ABI's terms, converted once and shared by every plugin's queues.
struct AbiEvent {
  uint32_t type = 0;
  uint32_t since_minor = 0;  // the ABI minor that added `type`
  uint64_t seq = 0;
  int64_t unix_ms = 0;
  std::string process;
  std::string instance;
  int32_t pid = 0;
  int32_t exit_code = -1;
  int32_t signal = 0;
  int32_t old_state = 0;
  int32_t new_state = 0;
  std::string detail_json;
};

std::shared_ptr<const AbiEvent> ToAbiEvent(const Event& event);

class EventDispatcher {
 public:
  // `crash_id`: the plugin's id in core/crash/plugin_registry.h, marked around each callback.
  EventDispatcher(std::string plugin_name, size_t queue_capacity, int crash_id = -1);
  ~EventDispatcher();
  EventDispatcher(const EventDispatcher&) = delete;
  EventDispatcher& operator=(const EventDispatcher&) = delete;

  // Thread-safe. The dispatch thread starts with the first subscription.
  int32_t Subscribe(uint32_t mask, phpeek_event_fn fn, void* user, uint64_t* out_id);
  // Thread-safe. Waits for a running callback of `id` unless called from the dispatch thread.
  int32_t Unsubscribe(uint64_t id);
  // Called on the supervisor loop thread: only takes a lock and appends.
  void Push(const std::shared_ptr<const AbiEvent>& event);
  // Delivers what is already queued (for at most `drain_for`), then discards the rest (the plugin
  // is not told) and joins the dispatch thread; later pushes are ignored and later subscriptions
  // refused. A callback still running is waited for until `give_up`: past it the thread is left
  // running, detached, Stop returns false and this object must never be destroyed (the plugin host
  // then leaks it with the plugin). Idempotent.
  bool Stop(std::chrono::milliseconds drain_for, std::chrono::steady_clock::time_point give_up);
  void Stop(std::chrono::milliseconds drain_for = std::chrono::milliseconds(0)) {
    Stop(drain_for, std::chrono::steady_clock::time_point::max());
  }

  // Whether the calling thread is some plugin's dispatch thread (blocking calls are refused there).
  static bool OnDispatchThread();
  uint64_t dropped_total() const;

 private:
  struct Subscription {
    uint32_t mask = 0;
    phpeek_event_fn fn = nullptr;
    void* user = nullptr;
    std::deque<std::shared_ptr<const AbiEvent>> queue;
    uint32_t dropped = 0;  // since the last delivery
  };

  void Run();
  // The subscription whose next event has the lowest seq, or end() when all queues are empty.
  std::map<uint64_t, Subscription>::iterator NextReady();
  void Deliver(phpeek_event_fn fn, void* user, const AbiEvent& event, uint32_t dropped);

  const std::string plugin_name_;
  const size_t capacity_;
  const int crash_id_;
  mutable std::mutex mu_;
  std::condition_variable wake_;           // new event, or stop
  std::condition_variable idle_;           // a callback returned
  std::map<uint64_t, Subscription> subs_;  // guarded by mu_
  uint64_t next_id_ = 1;                   // guarded by mu_
  uint64_t running_ = 0;        // id whose callback is running, 0 if none; guarded by mu_
  uint64_t dropped_total_ = 0;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  bool abandoned_ = false;      // a callback outlived Stop; guarded by mu_
  std::thread thread_;
};

}  // namespace phpeek::plugin_host
