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
//  - kLingering: after a refusal or "Connection: close", the write side is shut and what the
//    client still sends is read and dropped (bounded, timeouts.linger), so that closing does not
//    reset the connection before the client has read the answer.
// Every method runs on the I/O thread; a worker only gets the transport and the request.
//
// How streaming responses will fit (Server-Sent Events, issue 15): a fifth state, kStreaming,
// entered when a handler's response says it streams: the head goes out like any answer, then the
// connection keeps a queue of chunks that a ResponseStream (held by the plugin, written from any
// thread) appends to and that the I/O thread flushes when the socket is writable, woken like an
// answered request. Its deadline is timeouts.write per chunk rather than per answer, the queue is
// bounded (a client that does not read is closed, never buffered without end), the client's
// close or a server Stop ends the stream and tells its writer, and a streaming connection is
// never evicted for a new one (it counts as busy, like kHandling).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "plugins/common/http/exchange.h"
#include "plugins/common/http/request_parser.h"
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
  enum class State { kReading, kHandling, kWriting, kLingering, kClosed };

  Connection(std::unique_ptr<Transport> transport, const ConnectionSettings& settings,
             Clock::time_point now);
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
  // `order`: when the wait for the next request began (0: now).
  void AfterAnswer(Clock::time_point now, uint64_t order = 0);
  void WaitForRequest(Clock::time_point now, std::chrono::milliseconds idle, uint64_t order = 0);
  void BeginWait(uint64_t order = 0);
  void Discard();
  void Close();

  std::unique_ptr<Transport> transport_;
  const ConnectionSettings& settings_;
  RequestParser parser_;
  State state_ = State::kReading;
  Clock::time_point deadline_;
  Clock::time_point received_;  // when the request in kHandling was complete
  uint64_t waiting_order_ = 0;
  std::string pending_;  // bytes received after a complete request: the start of the next one
  std::string out_;      // kWriting: what is left to send
  bool close_after_write_ = false;
  bool continue_sent_ = false;
  int64_t discarded_ = 0;
};

}  // namespace phpeek::http
