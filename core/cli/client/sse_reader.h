// Reads the events of a Server-Sent Events stream as its bytes arrive (HTML Living Standard,
// "Parsing an event stream"): lines end with LF, CRLF or CR; "field: value" lines build an event
// that a blank line dispatches; ":" lines are comments; an event with no data is not dispatched,
// but its id still counts as the last event id. Bounded: a line longer than max_line is an error
// rather than a buffer without end.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace phpeek::cli::client {

struct SseEvent {
  std::string id;     // the last event id after this event ("" when none was ever sent)
  std::string event;  // the event's name; "" for a plain message
  std::string data;   // its data lines joined by "\n"
};

class SseReader {
 public:
  explicit SseReader(size_t max_line = size_t{16} << 20) : max_line_(max_line) {}

  // Appends the complete events in `bytes` to `out`. False when a line exceeds max_line.
  bool Feed(std::string_view bytes, std::vector<SseEvent>* out);
  const std::string& last_event_id() const { return last_id_; }

 private:
  void Line(std::string_view line, std::vector<SseEvent>* out);

  size_t max_line_;
  std::string partial_;    // the line so far
  bool after_cr_ = false;  // the previous byte was a CR (a LF next belongs to it)
  std::string last_id_;
  std::string event_;
  std::string data_;
  bool has_data_ = false;
};

}  // namespace phpeek::cli::client
