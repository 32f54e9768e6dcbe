// The API's Server-Sent Events streams (log_feed.h, event_feed.h) and the one thread that serves
// them: it pumps the host's log follow, feeds pages of history to streams that catch up, writes
// heartbeat comments, and drops closed streams. Open streams hold no thread of their own (the
// HTTP server sends their bytes, response_stream.h), but each takes one of `max_streams` slots:
// past that, Open answers busy (503).
//
// Stop ends every stream at once (no wait for a heartbeat or a client): with a final `event: end`
// when the daemon is shutting down (the client should not reconnect), without one otherwise (a
// restarted API: it reconnects with Last-Event-ID).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "phpeek/plugin_abi.h"
#include "plugins/common/control/backend.h"
#include "plugins/common/control/event_feed.h"
#include "plugins/common/control/log_feed.h"
#include "plugins/common/control/sse_client.h"
#include "plugins/common/http/response_stream.h"

namespace phpeek::control {

struct StreamOptions {
  int max_streams = 64;                        // api_max_streams
  std::chrono::milliseconds heartbeat{15000};  // api_stream_heartbeat
  size_t queue_bytes = 1024 * 1024;            // api_stream_queue: unsent bytes per stream
  // Run the hub's thread at the HTTP server's low priority (thread_priority.h): following and
  // framing lines for many clients must not delay supervision any more than serving them does.
  bool lower_priority = false;
};

class StreamHub {
 public:
  StreamHub(Backend* backend, StreamOptions options);
  ~StreamHub();  // Stop
  StreamHub(const StreamHub&) = delete;
  StreamHub& operator=(const StreamHub&) = delete;

  void Start();
  // Idempotent; returns once the hub's thread has ended and every stream is ended.
  void Stop();

  struct Opened {
    BackendResult result;  // an error: no stream
    bool busy = false;     // every slot is taken: no stream
    std::shared_ptr<http::ResponseStream> stream;
  };
  // HTTP workers. `after`: the client's Last-Event-ID; `limit`: kept events for a fresh stream.
  Opened OpenEvents(std::optional<uint64_t> after, size_t limit);
  // `resume`: query.since is a Last-Event-ID (log_feed.h).
  Opened OpenLogs(const LogQuery& query, bool resume);

  // The plugin's event thread: every event it receives.
  void Publish(const phpeek_event& ev);

  const StreamOptions& options() const { return options_; }
  int open_streams() const { return slots_.open(); }

 private:
  // A slot and a client for a new stream; an empty client when every slot is taken.
  std::unique_ptr<SseClient> NewClient(std::shared_ptr<http::ResponseStream>* stream);
  void Run();
  void Wake();

  const StreamOptions options_;
  StreamSlots slots_;  // before the feeds: their clients release slots when destroyed
  EventFeed events_;
  LogFeed logs_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;       // guarded by mu_
  bool woken_ = false;          // guarded by mu_
  bool shutting_down_ = false;  // guarded by mu_: SHUTTING_DOWN was published
  bool started_ = false;
  std::thread thread_;
};

}  // namespace phpeek::control
