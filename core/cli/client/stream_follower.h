// Follows a Server-Sent Events route of the Management API (`phpeek-pm logs -f`, `phpeek-pm
// events`): hands each event to the caller, and when the connection drops (the API restarted: an
// isolated API's helper, say) or the API overflowed it (this client read too slowly), connects
// again with Last-Event-ID, so that the API resumes after the last event handed over: nothing
// missed, nothing twice (as long as the daemon still keeps it). The stream's `event: end` (the
// daemon shuts down) ends it.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/cli/client/api_endpoint.h"
#include "core/cli/client/sse_reader.h"

namespace phpeek::cli::client {

struct FollowOptions {
  // How long to keep trying to reach the API again after the connection dropped.
  std::chrono::milliseconds reconnect_window{30000};
  // The first retry waits this long, each next one twice as long, up to a second.
  std::chrono::milliseconds first_retry{100};
};

// Returns 0 after `event: end`; 1 with `err` when the API refuses the stream (a bad request, the
// token, no such process, too many streams at the first try) or cannot be reached again within
// reconnect_window. `name`: the process the path is about, for a 404's message ("" for none).
// Notices (dropped, reconnected, lines lost) go to stderr.
int FollowStream(const ApiEndpoint& endpoint, const std::string& path, const std::string& name,
                 const FollowOptions& options, const std::function<void(const SseEvent&)>& on_event,
                 std::string* err);

}  // namespace phpeek::cli::client
