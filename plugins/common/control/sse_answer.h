// The HTTP side of a stream of the StreamHub (stream_hub.h): the Last-Event-ID a reconnecting
// client sends, and the text/event-stream answer that carries the stream.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "plugins/common/http/message.h"
#include "plugins/common/http/response_stream.h"

namespace phpeek::control {

// `*id` set when the request has a Last-Event-ID (an empty one is none, as the SSE standard
// says); false with `err` for one that is not an event id.
bool LastEventId(const http::HttpRequest& request, std::optional<uint64_t>* id, std::string* err);

// 200 text/event-stream over `stream` (nullptr: the head only, for HEAD), unbuffered by proxies.
http::HttpResponse SseAnswer(std::shared_ptr<http::ResponseStream> stream);

}  // namespace phpeek::control
