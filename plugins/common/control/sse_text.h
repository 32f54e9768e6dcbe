// The bytes of a Server-Sent Events stream (HTML Living Standard, "Server-sent events"): events
// with an id and a data line, named control events, heartbeat comments, and the Last-Event-ID a
// client sends back when it reconnects.
//
//   id: 42                        event: overflow               : heartbeat
//   data: {"seq":42,...}          data: 17
//                                                              (a comment: clients ignore it)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace phpeek::control {

// Appends "id: <id>\ndata: <data>\n\n"; a line break inside `data` starts another data line (the
// client joins them with "\n"), so no text can end the event early or forge a field.
void AppendSseEvent(std::string* out, uint64_t id, std::string_view data);

// "event: <name>\ndata: <data>\n\n", without an id (it does not move the client's Last-Event-ID).
std::string SseNamedEvent(std::string_view name, std::string_view data);

// A comment that keeps the connection (and the proxies on its way) from going idle.
std::string_view SseHeartbeat();

// The longest Last-Event-ID accepted: a seq has at most 20 digits.
inline constexpr size_t kMaxEventIdLength = 20;

// A Last-Event-ID (or ?since=) as a seq: 1 to 20 ASCII digits that fit in uint64_t.
bool ParseEventId(std::string_view text, uint64_t* out);

}  // namespace phpeek::control
