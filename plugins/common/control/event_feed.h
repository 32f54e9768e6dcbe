// GET /api/v1/events: the lifecycle events the plugin receives through its subscription (state,
// spawn, exit, health, hook, job, reload, dependency, shutdown), kept in a ring of the newest
// kEventHistory, and sent to every open events stream as they come.
//
// A new stream first gets the kept events after its Last-Event-ID (a resume), or the newest
// `limit` (a fresh one; 0: none), then every later event: both under one lock, so nothing is
// missed or sent twice. Ids are the daemon's event seq: they stay valid across a restart of the
// plugin (an isolated plugin's helper), whose ring starts empty. A Last-Event-ID above the newest
// kept seq comes from an earlier run of the daemon: the stream starts as a fresh one.
//
// Thread-safety: Publish runs on the plugin's event thread, Open on HTTP workers, the rest on the
// stream hub's thread; one mutex guards the ring and the clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "phpeek/plugin_abi.h"
#include "plugins/common/control/sse_client.h"

namespace phpeek::control {

inline constexpr size_t kEventHistory = 1000;

class EventFeed {
 public:
  void Publish(const phpeek_event& ev);
  // `after`: the client's Last-Event-ID; `limit`: kept events for a fresh stream.
  void Open(std::unique_ptr<SseClient> client, std::optional<uint64_t> after, size_t limit);

  // The hub's chores: heartbeats (returns the earliest next one), closed clients dropped, and at
  // the end every stream ended (`end_data`: an `event: end` to send first, or empty).
  SseClock::time_point Heartbeat(SseClock::time_point now, std::chrono::milliseconds interval);
  void Reap();
  void CloseAll(const std::string& end_data);
  size_t clients() const;

 private:
  struct Kept {
    uint64_t seq;
    std::string json;
  };

  mutable std::mutex mu_;
  std::deque<Kept> ring_;                            // oldest first
  std::vector<std::unique_ptr<SseClient>> clients_;  // live, in opening order
};

}  // namespace phpeek::control
