#include "core/cli/client/stream_follower.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include "core/cli/client/api_client.h"
#include "core/cli/client/http_client.h"

namespace phpeek::cli::client {
namespace {

using Clock = std::chrono::steady_clock;

enum class Outcome { kEnded, kDropped, kOverflowed };

// Reads events until the stream ends, drops or overflows.
Outcome ReadEvents(HttpStream* stream, const std::function<void(const SseEvent&)>& on_event,
                   std::string* last_id) {
  SseReader reader;
  std::vector<SseEvent> events;
  for (;;) {
    std::string bytes, why;
    const HttpStream::ReadStatus status = stream->Read(std::chrono::seconds(1), &bytes, &why);
    if (status == HttpStream::ReadStatus::kIdle) continue;
    events.clear();
    if (!reader.Feed(bytes, &events)) return Outcome::kDropped;  // a line without end: start over
    for (const SseEvent& ev : events) {
      if (ev.event == "end") return Outcome::kEnded;
      if (ev.event == "overflow") {
        const std::string what =
            ev.data == "0" ? "events may have been dropped" : ev.data + " event(s) were dropped";
        std::fprintf(stderr,
                     "phpeek-pm: %s (this client or the daemon's API fell behind); catching up "
                     "from what the daemon kept\n",
                     what.c_str());
        return Outcome::kOverflowed;
      }
      if (!ev.event.empty()) continue;  // a kind this client does not know
      on_event(ev);
      *last_id = ev.id;
    }
    std::fflush(stdout);
    if (status != HttpStream::ReadStatus::kData) return Outcome::kDropped;
  }
}

}  // namespace

int FollowStream(const ApiEndpoint& endpoint, const std::string& path, const std::string& name,
                 const FollowOptions& options, const std::function<void(const SseEvent&)>& on_event,
                 std::string* err) {
  HttpAddress address;
  if (!ParseHttpAddress(endpoint.url, &address, err)) return 1;
  address.tls_files = endpoint.tls;
  std::string last_id;
  bool connected_once = false;
  std::optional<Clock::time_point> lost_at;
  std::chrono::milliseconds retry = options.first_retry;
  for (;;) {
    HttpRequest request;
    request.target = path;
    request.accept = "text/event-stream";
    request.bearer_token = endpoint.token;
    if (!last_id.empty()) request.headers.emplace_back("Last-Event-ID", last_id);
    HttpStream stream;
    HttpResult result;
    const bool opened = stream.Open(address, request, HttpOptions{}, &result);
    if (!opened || !stream.is_stream()) {
      const ApiReply reply = ReplyFrom(endpoint, std::move(result));
      // Worth another try once we were connected: no answer (the API restarts), or 503 (it is
      // starting or stopping, or every stream slot is still held by our old connection).
      const bool retry_later = connected_once && (!reply.reached || reply.status == 503);
      if (!retry_later || Clock::now() - *lost_at >= options.reconnect_window) {
        if (!CheckReply(reply, 200, endpoint, name, err)) {
          if (retry_later) *err = "the API did not come back: " + *err;
          return 1;
        }
        *err = "the daemon answered without an event stream";
        return 1;
      }
      std::this_thread::sleep_for(retry);
      retry = std::min<std::chrono::milliseconds>(retry * 2, std::chrono::seconds(1));
      continue;
    }
    if (lost_at) std::fprintf(stderr, "phpeek-pm: reconnected\n");
    connected_once = true;
    lost_at.reset();
    retry = options.first_retry;
    switch (ReadEvents(&stream, on_event, &last_id)) {
      case Outcome::kEnded:
        return 0;
      case Outcome::kOverflowed:
        lost_at = Clock::now();  // at once, from the last event handed over
        break;
      case Outcome::kDropped:
        std::fprintf(stderr, "phpeek-pm: the connection to the daemon dropped; reconnecting\n");
        lost_at = Clock::now();
        break;
    }
  }
}

}  // namespace phpeek::cli::client
