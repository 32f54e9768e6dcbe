// One Server-Sent Events route of the Management API followed on a thread of its own, for the
// TUI's event loop: the thread reads the stream with the CLI's HTTP client (so whatever transport
// it speaks, the TUI speaks) and the SSE reader, queues what arrives and wakes the loop through
// its WakePipe. Why a thread: the HTTP client offers no descriptor to poll (a TLS stream's bytes
// are not its socket's), and a blocking read on a thread costs nothing while nothing arrives.
//
// It does not reconnect: a stream that ends is reported (kClosed), and the loop decides (the TUI
// re-fetches everything on a new connection anyway).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/cli/client/api_endpoint.h"

namespace phpeek::cli::tui {

class WakePipe;

struct StreamNews {
  enum class Kind { kOpened, kEvent, kClosed };
  Kind kind = Kind::kEvent;
  std::string id;    // kEvent: the event's id
  std::string data;  // kEvent: its data
  // kClosed: why, for the user ("the daemon shut down", "connection refused ...").
  std::string why;
  bool refused = false;  // kClosed: the API answered and refused the stream (token, no process)
};

class SseWatch {
 public:
  // Starts following `path` (with `last_event_id` as Last-Event-ID when not empty). `name`: the
  // process the path is about, for a 404's message. `linger`: how long the connection may outlive
  // the watch (below).
  SseWatch(const client::ApiEndpoint& endpoint, const std::string& path, const std::string& name,
           const std::string& last_event_id, std::chrono::milliseconds linger,
           std::shared_ptr<const WakePipe> wake);
  // Stops listening at once. The thread ends, and closes its connection, when it next wakes: for
  // data, the API's heartbeat (every api_stream_heartbeat, 15 s), or at the latest after `linger`
  // (the longest it waits for data at a time). A stream that is closed often (the log view's)
  // takes a short linger, so that it gives its slot of api_max_streams back soon; the event stream,
  // closed only at the end, a long one, so that its thread does not wake while nothing happens.
  ~SseWatch();
  SseWatch(const SseWatch&) = delete;
  SseWatch& operator=(const SseWatch&) = delete;

  // What arrived since the last call, in order.
  std::vector<StreamNews> Take();

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace phpeek::cli::tui
