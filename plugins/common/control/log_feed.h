// The follow=1 log streams: GET /api/v1/logs and GET /api/v1/processes/{name}/logs. Every
// stream is fed from ONE host follow of all the daemon's lines (log_follow of every process),
// filtered here by process and instance: 50 followers cost the daemon one queue, not 50.
//
// Each client has a cursor (every matching line up to that seq was sent) and is either live (the
// follow's lines with a greater seq go to it as they come) or catching up (it reads the history
// after its cursor a page at a time, whenever its queue has room, until a page is the last; then
// the newest seq of that read becomes its cursor and it is live). Since one thread both delivers
// and reads the pages, and every line after the follow began arrives through it, nothing is
// missed or sent twice, whatever the timing:
//  - the follow starts before the first read of a new client;
//  - a batch handed out before a read only has lines that read covers (seq <= its newest);
//  - lines of later batches up to the cursor are skipped.
// A live client never misses a line silently: when its queue is full, or when the follow itself
// dropped lines (this feed fell behind the daemon) or was lost, it gets a final `event: overflow`
// (data: the lines it lost, 0 when unknown) and is closed, to resume with Last-Event-ID from what
// the daemon still keeps. A resume, and a backlog larger than the client's queue, are read from
// the history page by page as the client takes them: at a rate that evicts lines from the history
// faster than the client reads, those pages can skip evicted lines (the history is all there is).
//
// Thread-safety: Open runs on HTTP workers, everything else on the stream hub's thread (Stop on
// the plugin's); one mutex guards the clients and the follow, and is never held while Pump waits.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/common/control/backend.h"
#include "plugins/common/control/sse_client.h"

namespace phpeek::control {

class LogFeed {
 public:
  // `on_follow` is called (under the feed's lock) when a follow begins: the hub starts pumping.
  LogFeed(Backend* backend, std::function<void()> on_follow)
      : backend_(backend), on_follow_(std::move(on_follow)) {}

  // Sends the first page (query.since 0: the newest query.limit lines; else the lines after
  // since, as far as they fit) and keeps the client. `resume`: since is a Last-Event-ID, and one
  // above the newest seq (an earlier daemon's) starts over as without it. An error (unknown
  // process or instance, since above the newest, the daemon shutting down) leaves the client out.
  BackendResult Open(std::unique_ptr<SseClient>* client, LogQuery query, bool resume);

  // Waits up to `wait` for the follow's lines and sends them. False at once when nothing is
  // followed (no client).
  bool Pump(std::chrono::milliseconds wait);
  // A page of history to each client catching up that has room; true while some still do.
  bool CatchUp();
  SseClock::time_point Heartbeat(SseClock::time_point now, std::chrono::milliseconds interval);
  // Drops closed clients; the follow ends with the last one.
  void Reap();
  // From now on Open answers kStopping; a Pump waiting returns at once.
  void Stop();
  void CloseAll(const std::string& end_data);
  size_t clients() const;

 private:
  struct Client {
    std::unique_ptr<SseClient> sse;
    std::string process;
    std::string instance;
    uint64_t cursor = 0;
    bool catching_up = false;
  };
  struct Line {
    uint64_t seq;
    std::string_view process, instance;
    std::string framed;  // the SSE event, framed once for every client
  };

  // Sends one read's page (log_read's answer) to `c`, and moves its cursor and mode.
  BackendResult SendPage(Client* c, const LogQuery& query);
  void Deliver(const std::vector<Line>& lines, uint64_t last_seq);
  // Every live client gets `event: overflow` with `dropped` and is closed.
  void OverflowLive(uint64_t dropped);

  Backend* backend_;
  std::function<void()> on_follow_;
  mutable std::mutex mu_;
  std::vector<Client> clients_;  // guarded by mu_
  uint64_t follow_id_ = 0;       // guarded by mu_; 0: none
  bool stopping_ = false;        // guarded by mu_: Stop was called
  bool ended_ = false;           // guarded by mu_: the daemon closed the follow (shutdown)
};

}  // namespace phpeek::control
