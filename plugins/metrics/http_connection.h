// One client connection of the metrics listener: a non-blocking socket moved through the phases of
// HTTP/1.1 by the listener's poll loop. It never blocks and never waits without a deadline:
//
//   idle      no byte of a request yet (fresh, or after a keep-alive response); closed silently
//             after limits.idle_timeout
//   reading   part of a request head arrived; the whole head must arrive within
//             limits.request_timeout of its first byte (one deadline, however slowly the bytes
//             trickle in), else 408 and close
//   writing   a response is being sent; the client must take it within limits.write_timeout
//   lingering the last response went out and our side is shut down; unread input (a body we never
//             read) is drained for up to limits.linger_timeout so that closing does not reset the
//             connection before the client has read the response
//
// One request is handled per turn of the loop (pipelined requests wait for the next turn), so one
// busy client cannot monopolise the loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "plugins/metrics/http_request.h"
#include "plugins/metrics/http_response.h"

namespace phpeek::metrics {

struct HttpLimits {
  std::chrono::milliseconds idle_timeout{15000};
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds linger_timeout{2000};
  std::chrono::milliseconds accept_backoff{
      100};                      // pause after accept() failed for lack of resources
  size_t max_connections = 64;   // beyond it the connection served longest ago is closed
  size_t max_head_bytes = 8192;  // a longer request head is answered 431
};

class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  using Responder = std::function<HttpResponse(const RequestHead&)>;
  enum class Phase { kIdle, kReading, kWriting, kLingering, kClosed };

  Connection(int fd, const HttpLimits& limits, Clock::time_point now);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  Phase phase() const { return phase_; }
  bool closed() const { return phase_ == Phase::kClosed; }
  // What to poll for: POLLOUT while writing, else POLLIN.
  short poll_events() const;
  // When the current phase times out.
  Clock::time_point deadline() const;
  // When this connection last finished a response (or was accepted): the longest-served-ago one is
  // closed first when the listener needs room.
  Clock::time_point last_served() const { return last_served_; }
  // A complete request is already buffered (pipelined): handle it without waiting for the socket.
  bool has_buffered_request() const;

  // The socket is readable, writable or reported an error/hangup.
  void OnReady(short revents, Clock::time_point now, const Responder& respond);
  // Handles one buffered request, if any.
  void HandleBuffered(Clock::time_point now, const Responder& respond);
  // The deadline passed: 408 for a partial request, otherwise close.
  void OnDeadline(Clock::time_point now);
  void Close();

 private:
  void Read(Clock::time_point now, const Responder& respond);
  void Respond(const HttpResponse& response, bool head_only, bool keep_alive, int minor_version,
               Clock::time_point now);
  void Flush(Clock::time_point now);
  void Drain();
  void EnterPhase(Phase phase, Clock::time_point now);

  int fd_;
  const HttpLimits& limits_;
  Phase phase_ = Phase::kIdle;
  Clock::time_point since_;  // start of the current phase (for reading: the request's first byte)
  Clock::time_point last_served_;
  std::string in_;   // received, not yet parsed; at most limits.max_head_bytes
  std::string out_;  // the response being written
  size_t out_sent_ = 0;
  bool close_after_write_ = false;
  bool peer_done_ = false;  // the client shut down its side
};

}  // namespace phpeek::metrics
