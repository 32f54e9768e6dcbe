#include "plugins/common/http/connection.h"

#include <sys/epoll.h>

#include <algorithm>
#include <atomic>
#include <utility>

namespace phpeek::http {
namespace {

constexpr size_t kReadChunk = 16384;
// Per readiness event, so that one fast sender cannot keep the I/O thread from the others.
constexpr size_t kReadBudget = 65536;
// Lingering stops after this much: a client that keeps sending is not worth more.
constexpr int64_t kMaxDiscard = int64_t{16} << 20;

}  // namespace

Connection::Connection(std::unique_ptr<Transport> transport, const ConnectionSettings& settings,
                       Clock::time_point now, std::string peer)
    : transport_(std::move(transport)),
      settings_(settings),
      peer_(std::move(peer)),
      parser_(settings.limits) {
  WaitForRequest(now, settings_.timeouts.idle);
}

Connection::~Connection() { Close(); }

uint32_t Connection::events() const {
  uint32_t events = state_ == State::kWriting ? EPOLLOUT : EPOLLIN;
  if (state_ == State::kStreaming && !out_.empty()) events |= EPOLLOUT;
  // What the TLS layer waits for besides (transport.h).
  if (transport_ && transport_->wants_write()) events |= EPOLLOUT;
  if (transport_ && transport_->wants_read()) events |= EPOLLIN;
  return events;
}

bool Connection::RequestBegun() {
  // Bytes that arrived but were not read yet count: the request has begun all the same.
  return state_ == State::kReading &&
         (parser_.started() || !pending_.empty() || transport_->InputPending());
}

void Connection::OnReady(Clock::time_point now) {
  switch (state_) {
    case State::kReading:
      ReadRequest(now);
      break;
    case State::kWriting:
      Flush(now);
      break;
    case State::kStreaming:
      Discard();  // the client's end ends the stream
      if (state_ == State::kStreaming) FlushStream(now);
      break;
    case State::kLingering:
      Discard();
      break;
    case State::kHandling:
    case State::kClosed:
      break;
  }
}

void Connection::OnDeadline(Clock::time_point now) {
  if (state_ == State::kReading && parser_.started()) {
    Refuse(TimeoutError(settings_.timeouts.request), now);
  } else if (state_ != State::kHandling) {
    Close();  // idle, or a client that does not read its answer
  }
}

Exchange Connection::TakeExchange() {
  Exchange e = ::phpeek::http::TakeExchange(parser_, received_);
  e.request.peer = peer_;
  return e;
}

void Connection::OnAnswered(std::string rest, bool keep_alive, bool failed, uint64_t sent_order,
                            Clock::time_point now) {
  if (failed) {
    Close();
    return;
  }
  if (!rest.empty()) {
    StartAnswer(std::move(rest), !keep_alive, now);
    return;
  }
  close_after_write_ = !keep_alive;
  AfterAnswer(now, sent_order);
}

void Connection::OnStreamStarted(std::string rest, bool failed,
                                 std::shared_ptr<ResponseStream> stream, std::function<void()> wake,
                                 Clock::time_point now) {
  stream_ = std::move(stream);
  if (failed) {
    Close();
    return;
  }
  state_ = State::kStreaming;
  out_ = std::move(rest);
  deadline_ = now + settings_.timeouts.write;
  stream_->Attach(std::move(wake));
  FlushStream(now);
}

void Connection::OnStreamReady(Clock::time_point now) {
  if (state_ == State::kStreaming) FlushStream(now);
}

void Connection::FinalFlush() {
  if (state_ != State::kStreaming) return;
  bool finished = false;
  out_ += stream_->Take(&finished);
  if (!out_.empty()) (void)transport_->Send(out_);
}

void Connection::FlushStream(Clock::time_point now) {
  // Two batches per call at most: a writer that never pauses must not hold the I/O thread. A
  // third batch is taken but left for the next writable event (EPOLLOUT while out_ is not empty).
  for (int batches = 0;;) {
    if (out_.empty()) {
      bool finished = false;
      out_ = stream_->Take(&finished);
      if (out_.empty()) {
        if (finished) {
          EndStream(now);
        } else {
          deadline_ = Clock::time_point::max();  // nothing to send: nothing to wait for
        }
        return;
      }
      deadline_ = now + settings_.timeouts.write;
      if (++batches > 2) return;
    }
    const IoResult r = transport_->Send(out_);
    if (r.status == IoStatus::kFailed) {
      Close();
      return;
    }
    if (r.status == IoStatus::kWouldBlock) return;  // EPOLLOUT brings us back
    out_.erase(0, r.bytes);
    deadline_ = now + settings_.timeouts.write;  // progress: the client reads
  }
}

void Connection::EndStream(Clock::time_point now) {
  stream_->Detach();
  stream_.reset();
  close_after_write_ = true;
  AfterAnswer(now);
}

void Connection::Evict(Clock::time_point now) {
  if (RequestBegun()) {
    Reject(now);
  } else {
    Close();
  }
}

void Connection::EvictNow() {
  if (RequestBegun()) (void)transport_->Send(settings_.overload_text);
  Close();
}

void Connection::Reject(Clock::time_point now) {
  // Closing with unread bytes would reset the connection, and a reset can destroy the answer
  // before the client reads it: drop what the client has sent so far first.
  Discard();
  if (state_ == State::kClosed) return;
  StartAnswer(settings_.overload_text, /*close=*/true, now);
}

void Connection::ReadRequest(Clock::time_point now) {
  char buffer[kReadChunk];
  for (size_t budget = kReadBudget; budget > 0;) {
    const IoResult r = transport_->Receive(buffer, sizeof(buffer));
    switch (r.status) {
      case IoStatus::kOk:
        budget -= std::min(budget, r.bytes);
        if (!Consume(std::string_view(buffer, r.bytes), now)) return;
        break;
      case IoStatus::kEnd:
        // The client is gone or has said all it will: a partial request runs nothing.
        if (parser_.started()) {
          Refuse({400, "the connection ended before the request was complete"}, now);
        } else {
          Close();
        }
        return;
      case IoStatus::kWouldBlock:
        return;
      case IoStatus::kFailed:
        Close();
        return;
    }
  }
}

bool Connection::Consume(std::string_view bytes, Clock::time_point now) {
  // One deadline for the whole request, from its first byte.
  if (!parser_.started()) deadline_ = now + settings_.timeouts.request;
  size_t used = 0;
  switch (parser_.Feed(bytes, &used)) {
    case RequestParser::Progress::kComplete:
      pending_.append(bytes.substr(used));
      state_ = State::kHandling;
      received_ = now;
      return false;
    case RequestParser::Progress::kError:
      Refuse(parser_.error(), now);
      return false;
    case RequestParser::Progress::kNeedMore:
      break;
  }
  if (parser_.expects_continue() && !continue_sent_) {
    continue_sent_ = true;
    // 25 bytes into an idle socket: a short write means a client that does not read at all.
    const IoResult r = transport_->Send(ContinueText());
    if (r.status != IoStatus::kOk || r.bytes != ContinueText().size()) {
      Close();
      return false;
    }
  }
  return true;
}

void Connection::Refuse(const RequestError& error, Clock::time_point now) {
  StartAnswer(AnswerRefusal(error, settings_.defaults), /*close=*/true, now);
}

void Connection::StartAnswer(std::string text, bool close, Clock::time_point now) {
  out_ = std::move(text);
  close_after_write_ = close;
  state_ = State::kWriting;
  deadline_ = now + settings_.timeouts.write;  // for the whole answer, however it trickles out
  BeginWait();
  Flush(now);
}

void Connection::Flush(Clock::time_point now) {
  if (!out_.empty()) {
    const IoResult r = transport_->Send(out_);
    if (r.status == IoStatus::kFailed) {
      Close();
      return;
    }
    out_.erase(0, r.bytes);
  }
  if (out_.empty()) AfterAnswer(now);  // else: kWriting, until the socket takes the rest
}

void Connection::AfterAnswer(Clock::time_point now, uint64_t order) {
  if (close_after_write_) {
    transport_->ShutdownWrite();
    state_ = State::kLingering;
    deadline_ = now + settings_.timeouts.linger;
    return;
  }
  parser_.Reset();
  continue_sent_ = false;
  WaitForRequest(now, settings_.timeouts.idle, order);
  if (pending_.empty()) return;
  // The client sent the next request before this answer (pipelining).
  const std::string next = std::move(pending_);
  pending_.clear();
  Consume(next, now);
}

void Connection::WaitForRequest(Clock::time_point now, std::chrono::milliseconds idle,
                                uint64_t order) {
  state_ = State::kReading;
  deadline_ = now + idle;
  BeginWait(order);
}

uint64_t Connection::NextWaitingOrder() {
  static std::atomic<uint64_t> next_order{0};
  return ++next_order;
}

void Connection::BeginWait(uint64_t order) {
  waiting_order_ = order != 0 ? order : NextWaitingOrder();
}

void Connection::Discard() {
  char buffer[kReadChunk];
  for (size_t budget = kReadBudget; budget > 0;) {
    const IoResult r = transport_->Receive(buffer, sizeof(buffer));
    if (r.status == IoStatus::kWouldBlock) return;
    if (r.status == IoStatus::kOk) {
      budget -= std::min(budget, r.bytes);
      discarded_ += static_cast<int64_t>(r.bytes);
      if (discarded_ <= kMaxDiscard) continue;
    }
    Close();  // the client closed, failed, or sent too much
    return;
  }
}  // more to drop: the socket is still readable and brings us back

void Connection::Close() {
  if (stream_) {
    stream_->Detach();  // its writers see it closed
    stream_.reset();
  }
  transport_.reset();
  state_ = State::kClosed;
}

}  // namespace phpeek::http
