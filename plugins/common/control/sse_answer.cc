#include "plugins/common/control/sse_answer.h"

#include <utility>

#include "plugins/common/control/sse_text.h"

namespace phpeek::control {

bool LastEventId(const http::HttpRequest& request, std::optional<uint64_t>* id, std::string* err) {
  const std::string* value = request.Field("Last-Event-ID");
  if (value == nullptr || value->empty()) return true;  // empty: no id (the SSE standard)
  uint64_t seq = 0;
  if (!ParseEventId(*value, &seq)) {
    *err = "Last-Event-ID must be the id of an event this stream sent (a seq: 1 to " +
           std::to_string(kMaxEventIdLength) + " digits)";
    return false;
  }
  *id = seq;
  return true;
}

http::HttpResponse SseAnswer(std::shared_ptr<http::ResponseStream> stream) {
  http::HttpResponse r;
  r.content_type = "text/event-stream";
  r.stream = std::move(stream);
  r.headers.emplace_back("X-Accel-Buffering", "no");  // nginx in front: pass events at once
  return r;
}

}  // namespace phpeek::control
