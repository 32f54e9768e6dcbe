// One client connection as the server's I/O thread sees it: the transport, the request parser,
// what is left to write, and the one deadline that bounds whatever the connection waits for:
//  - kReading: the next request. Until its first byte the wait is bounded by timeouts.idle (a new
//    connection, or between keep-alive requests: closed silently); from its first byte, the whole
//    request (head and body) must arrive within timeouts.request, however slowly the bytes
//    trickle in, else 408 and close. A client that closes in the middle of a request gets a 400
//    and runs nothing.
//  - kHandling: a worker runs the handler and sends the answer; no deadline, and nothing here
//    touches the transport meanwhile.
//  - kWriting: the rest of an answer the socket did not take at once; the whole answer must be
//    taken within timeouts.write (a client that reads too slowly is closed).
//  - kStreaming: after the head of a streaming answer (response_stream.h): what writers append to
//    the stream is sent as the socket takes it, woken through the stream (Server::Impl queues the
//    connection and wakes the I/O thread). The write deadline applies per batch taken from the
//    stream and restarts with every send that makes progress; with nothing to send there is no
//    deadline. What the client sends meanwhile is read and dropped; its end (or a failed send)
//    ends the stream. A finished stream, once sent, lingers like a "Connection: close" answer. A
//    streaming connection is never evicted for a new one (it counts as busy, like kHandling).
//  - kLingering: after a refusal or "Connection: close", the write side is shut and what the
//    client still sends is read and dropped (bounded, timeouts.linger), so that closing does not
//    reset the connection before the client has read the answer.
// Every method runs on the I/O thread; a worker only gets the transport and the request.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "plugins/common/http/exchange.h"
#include "plugins/common/http/request_parser.h"
#include "plugins/common/http/response_stream.h"
#include "plugins/common/http/response_text.h"
#include "plugins/common/http/transport.h"

namespace phpeek::http {

struct ConnectionTimeouts {
  // No byte of a request yet: a new connection, or one between keep-alive requests.
  std::chrono::milliseconds idle{5000};
  // From a request's first byte to its last (head and body).
  std::chrono::milliseconds request{5000};
  // To send one whole answer.
  std::chrono::milliseconds write{5000};
  // After the last answer, to drain what the client still sends before closing.
  std::chrono::milliseconds linger{2000};
};

// What every connection of one server shares; the server owns it and outlives its connections.
struct ConnectionSettings {
  RequestLimits limits;
  ConnectionTimeouts timeouts;
  ResponseDefaults defaults;
  std::string overload_text;  // the 503 "every connection is busy" answer, with Retry-After
};

class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kReading, kHandling, kWriting, kStreaming, kLingering, kClosed };

  // `peer`: the client's address ("" over a Unix socket), handed to every request.
  Connection(std::unique_ptr<Transport> transport, const ConnectionSettings& settings,
             Clock::time_point now, std::string peer = "");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return transport_ ? transport_->fd() : -1; }
  // For the worker, while kHandling.
  Transport& transport() { return *transport_; }
  State state() const { return state_; }
  // When the current wait ends; meaningful in kReading, kWriting and kLingering.
  Clock::time_point deadline() const { return deadline_; }
  // Orders connections by when they began to wait for their client (the oldest waiter is evicted
  // first): increases with every wait that begins, also within one clock tick.
  uint64_t waiting_order() const { return waiting_order_; }
  // The next waiting order. A worker takes one just before it sends an answer, so that a
  // connection whose answer it sent whole is ordered by that moment, not by when the I/O thread
  // hears of it: a client that reads the answer and opens another connection always comes later
  // (and the server collects the answers sent before it compares orders, server.h).
  static uint64_t NextWaitingOrder();
  // A request has begun (bytes of it were read, or wait unread in the socket).
  bool RequestBegun();
  // The epoll events the current state waits for.
  uint32_t events() const;

  // The socket is ready (or hung up or failed).
  void OnReady(Clock::time_point now);
  void OnDeadline(Clock::time_point now);
  // kHandling -> the request for the worker. The state stays kHandling until OnAnswered.
  Exchange TakeExchange();
  // The worker is done: `rest` is what it could not send at once, `failed` a send error,
  // `sent_order` the waiting order it took before sending.
  void OnAnswered(std::string rest, bool keep_alive, bool failed, uint64_t sent_order,
                  Clock::time_point now);
  // The worker sent (part of) the head of a streaming answer: `rest` is what it could not send.
  // The connection carries `stream` from now on; `wake` is what the stream calls when it has
  // bytes (the server then calls OnStreamReady).
  void OnStreamStarted(std::string rest, bool failed, std::shared_ptr<ResponseStream> stream,
                       std::function<void()> wake, Clock::time_point now);
  // kStreaming: the stream has bytes, or has finished.
  void OnStreamReady(Clock::time_point now);
  // At the server's Stop: one last non-blocking send of what a stream holds (its final message).
  void FinalFlush();
  // Makes room for a new connection: a client in the middle of a request gets the overload answer
  // and the connection lingers (it is the first to go when room is needed again); any other
  // connection closes.
  void Evict(Clock::time_point now);
  // Frees the descriptor at once (the process ran out of them): closes, after a best-effort
  // overload answer to a client in the middle of a request.
  void EvictNow();
  // Answers a new connection that finds every slot busy with the overload answer, then lingers.
  void Reject(Clock::time_point now);

 private:
  void ReadRequest(Clock::time_point now);
  // Feeds received bytes to the parser; false once no more are wanted for now.
  bool Consume(std::string_view bytes, Clock::time_point now);
  void Refuse(const RequestError& error, Clock::time_point now);
  // Sends `text` (kWriting until the socket took it all), then waits for the next request or,
  // with `close`, lingers.
  void StartAnswer(std::string text, bool close, Clock::time_point now);
  void Flush(Clock::time_point now);
  // kStreaming: sends what is left, then what the stream holds, until the socket is full.
  void FlushStream(Clock::time_point now);
  void EndStream(Clock::time_point now);
  // `order`: when the wait for the next request began (0: now).
  void AfterAnswer(Clock::time_point now, uint64_t order = 0);
  void WaitForRequest(Clock::time_point now, std::chrono::milliseconds idle, uint64_t order = 0);
  void BeginWait(uint64_t order = 0);
  void Discard();
  void Close();

  std::unique_ptr<Transport> transport_;
  const ConnectionSettings& settings_;
  std::string peer_;
  RequestParser parser_;
  State state_ = State::kReading;
  Clock::time_point deadline_;
  Clock::time_point received_;  // when the request in kHandling was complete
  uint64_t waiting_order_ = 0;
  std::string pending_;  // bytes received after a complete request: the start of the next one
  std::string out_;      // kWriting, kStreaming: what is left to send
  std::shared_ptr<ResponseStream> stream_;  // kStreaming
  bool close_after_write_ = false;
  bool continue_sent_ = false;
  int64_t discarded_ = 0;
};

}  // namespace phpeek::http
