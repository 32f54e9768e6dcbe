// A Server-Sent Events client over a raw loopback socket, for the tests of the API's streams: it
// sends exact request bytes (any header, a huge Last-Event-ID), reads the head, then the events as
// the server frames them (id:, event:, data: lines, comments), each read bounded by a deadline.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/raw_http.h"

namespace phpeek::testing::http {

struct SseEvent {
  std::string id;     // "" when the event has none
  std::string event;  // "" for a plain (message) event
  std::string data;   // data lines joined by "\n"
};

class SseTestClient {
 public:
  // Connects to 127.0.0.1:port and sends GET `target` with `headers` (Host and Connection: close
  // added); `receive_buffer` > 0 pins SO_RCVBUF before connecting (a client that reads slowly).
  // Then reads the head (within 5 s).
  SseTestClient(int port, const std::string& target,
                const std::map<std::string, std::string>& headers = {}, int receive_buffer = 0);
  ~SseTestClient();
  SseTestClient(const SseTestClient&) = delete;
  SseTestClient& operator=(const SseTestClient&) = delete;

  int status() const { return head_.status; }
  // The value of header `name` (case-insensitive), "" when absent.
  std::string Header(const std::string& name) const;
  // A non-stream answer's body: everything until the server closes (within `timeout`).
  std::string Body(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // The next event (comments are counted, not returned); nullopt when none came in `timeout` or
  // the stream ended.
  std::optional<SseEvent> Next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Events until `count` arrived, the stream ended or `timeout` passed.
  std::vector<SseEvent> Take(size_t count, std::chrono::milliseconds timeout);
  // Comments (heartbeats) seen so far.
  int comments() const { return comments_; }
  // The server ended the stream (seen by a read).
  bool ended() const { return ended_; }
  // Waits for the end of the stream; events that arrive meanwhile are dropped.
  bool WaitEnded(std::chrono::milliseconds timeout);
  // Every byte received after the head so far.
  const std::string& raw() const { return raw_; }
  void Close();

 private:
  // Receives more bytes (false on timeout or end).
  bool Receive(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  ::phpeek::http::testing::RawResponse head_;  // status and headers (no body)
  std::string buffer_;                         // received, not yet parsed
  std::string raw_;
  int comments_ = 0;
  bool ended_ = false;
};

}  // namespace phpeek::testing::http
