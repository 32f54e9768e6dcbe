// One client connection of the API server as its I/O thread sees it: the socket (non-blocking),
// the request parser, what is left to write, and the one deadline that bounds whatever the
// connection is waiting for:
//  - kReading: the next request. Until its first byte the wait is bounded by the idle timeout
//    (request_timeout on a new connection, keep_alive_timeout between requests); from its first
//    byte, the whole request (head and body) must arrive within request_timeout, else 408 and
//    close. A request cut short by the client closing runs nothing and gets no answer.
//  - kHandling: a worker runs the API and sends the answer; no deadline, no socket access here.
//  - kWriting: the rest of an answer the socket did not take at once, bounded by request_timeout.
//  - kLingering: after a refusal or "Connection: close", the write side is shut and what the
//    client still sends is read and dropped (bounded), so that closing does not reset the
//    connection before the client has read the answer.
// Every method runs on the I/O thread; a worker only gets the fd and the request (Exchange).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "plugins/rest-api/http_exchange.h"
#include "plugins/rest-api/http_request_parser.h"

namespace phpeek::rest {

struct ConnectionTimeouts {
  std::chrono::milliseconds request{5000};
  std::chrono::milliseconds keep_alive{5000};
  std::chrono::milliseconds linger{2000};
};

class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kReading, kHandling, kWriting, kLingering, kClosed };

  // Takes ownership of `fd`.
  Connection(int fd, const RequestLimits& limits, const ConnectionTimeouts& timeouts,
             Clock::time_point now);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  State state() const { return state_; }
  // When the current wait ends; meaningful in kReading, kWriting and kLingering.
  Clock::time_point deadline() const { return deadline_; }
  // Orders connections by when they began to wait for their client (the oldest waiter is evicted
  // first): increases with every wait that begins, also within one clock tick.
  uint64_t waiting_order() const { return waiting_order_; }
  // The epoll events the current state waits for.
  uint32_t events() const;

  // The socket is ready (or hung up or failed).
  void OnReady(Clock::time_point now);
  void OnDeadline(Clock::time_point now);
  // kHandling -> the request for the worker. The state stays kHandling until OnAnswered.
  Exchange TakeExchange();
  // The worker is done: `rest` is what it could not send at once, `failed` a send error.
  void OnAnswered(std::string rest, bool keep_alive, bool failed, Clock::time_point now);
  // Makes room for a new connection: closes an idle or lingering one; a client in the middle of a
  // request gets the 503 of OverloadText() and the connection lingers (it is the first to go
  // when room is needed again).
  void Evict(Clock::time_point now);
  // Answers a new connection that finds every slot busy with OverloadText(), then lingers.
  void Reject(Clock::time_point now);

  // A 503 "too many connections" answer with Retry-After.
  static const std::string& OverloadText();

 private:
  void ReadRequest(Clock::time_point now);
  // Feeds received bytes to the parser; false once no more are wanted for now.
  bool Consume(std::string_view bytes, Clock::time_point now);
  void Refuse(const RequestError& error, Clock::time_point now);
  void Flush(Clock::time_point now);
  void AfterAnswer(Clock::time_point now);
  void WaitForRequest(Clock::time_point now, std::chrono::milliseconds idle);
  void Discard();
  void Close();

  int fd_;
  ConnectionTimeouts timeouts_;
  RequestParser parser_;
  State state_ = State::kReading;
  Clock::time_point deadline_;
  uint64_t waiting_order_ = 0;
  std::string pending_;  // bytes received after a complete request: the start of the next one
  std::string out_;      // kWriting: what is left to send
  bool close_after_write_ = false;
  bool continue_sent_ = false;
  int64_t discarded_ = 0;
};

}  // namespace phpeek::rest
