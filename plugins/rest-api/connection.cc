#include "plugins/rest-api/connection.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <utility>

#include "plugins/rest-api/error_body.h"

namespace phpeek::rest {
namespace {

constexpr size_t kReadChunk = 16384;
// Per readiness event, so that one fast sender cannot keep the I/O thread from the others.
constexpr size_t kReadBudget = 65536;
// Lingering stops after this much: a client that keeps sending is not worth more.
constexpr int64_t kMaxDiscard = int64_t{16} << 20;

// send() that never blocks and never raises SIGPIPE; returns the bytes sent, -1 on a hard error.
ssize_t SendSome(int fd, std::string_view bytes) {
  while (true) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
  }
}

}  // namespace

Connection::Connection(int fd, const RequestLimits& limits, const ConnectionTimeouts& timeouts,
                       Clock::time_point now)
    : fd_(fd), timeouts_(timeouts), parser_(limits) {
  WaitForRequest(now, timeouts_.request);
}

Connection::~Connection() { Close(); }

const std::string& Connection::OverloadText() {
  static const std::string text = [] {
    HttpResponse r = ErrorResponse(503, "too many connections",
                                   "every connection slot is busy; try again in a second");
    r.headers.emplace_back("Retry-After", "1");
    return ResponseText(r, /*head=*/false, Persistence::kClose);
  }();
  return text;
}

uint32_t Connection::events() const { return state_ == State::kWriting ? EPOLLOUT : EPOLLIN; }

void Connection::OnReady(Clock::time_point now) {
  switch (state_) {
    case State::kReading:
      ReadRequest(now);
      break;
    case State::kWriting:
      Flush(now);
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
    Refuse(TimeoutError(timeouts_.request.count()), now);
  } else if (state_ != State::kHandling) {
    Close();  // idle, or a client that does not read its answer
  }
}

Exchange Connection::TakeExchange() { return ::phpeek::rest::TakeExchange(parser_); }

void Connection::OnAnswered(std::string rest, bool keep_alive, bool failed, Clock::time_point now) {
  if (failed) {
    Close();
    return;
  }
  out_ = std::move(rest);
  close_after_write_ = !keep_alive;
  Flush(now);
}

void Connection::Evict(Clock::time_point now) {
  // Bytes that arrived but were not read yet count: the request has begun all the same.
  char byte = 0;
  const bool begun = parser_.started() || ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
  if (state_ == State::kReading && begun) {
    Reject(now);
  } else {
    Close();
  }
}

void Connection::Reject(Clock::time_point now) {
  // Closing with unread bytes would reset the connection, and a reset can destroy the answer
  // before the client reads it: drop what the client has sent so far first.
  Discard();
  if (state_ == State::kClosed) return;
  out_ = OverloadText();
  close_after_write_ = true;
  Flush(now);
}

void Connection::ReadRequest(Clock::time_point now) {
  char buffer[kReadChunk];
  for (size_t budget = kReadBudget; budget > 0;) {
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      budget -= std::min(budget, static_cast<size_t>(n));
      if (!Consume(std::string_view(buffer, static_cast<size_t>(n)), now)) return;
    } else if (n == 0) {
      Close();  // the client is gone: a partial request runs nothing and gets no answer
      return;
    } else if (errno != EINTR) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) Close();
      return;
    }
  }
}

bool Connection::Consume(std::string_view bytes, Clock::time_point now) {
  // One deadline for the whole request, from its first byte.
  if (!parser_.started()) deadline_ = now + timeouts_.request;
  size_t used = 0;
  switch (parser_.Feed(bytes, &used)) {
    case RequestParser::Progress::kComplete:
      pending_.append(bytes.substr(used));
      state_ = State::kHandling;
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
    if (SendSome(fd_, ContinueText()) != static_cast<ssize_t>(ContinueText().size())) {
      Close();
      return false;
    }
  }
  return true;
}

void Connection::Refuse(const RequestError& error, Clock::time_point now) {
  out_ = AnswerRefusal(error);
  close_after_write_ = true;
  Flush(now);
}

void Connection::Flush(Clock::time_point now) {
  const ssize_t n = SendSome(fd_, out_);
  if (n < 0) {
    Close();
    return;
  }
  out_.erase(0, static_cast<size_t>(n));
  if (!out_.empty()) {
    if (state_ != State::kWriting) deadline_ = now + timeouts_.request;
    state_ = State::kWriting;
    return;
  }
  AfterAnswer(now);
}

void Connection::AfterAnswer(Clock::time_point now) {
  if (close_after_write_) {
    ::shutdown(fd_, SHUT_WR);
    state_ = State::kLingering;
    deadline_ = now + timeouts_.linger;
    return;
  }
  parser_.Reset();
  continue_sent_ = false;
  WaitForRequest(now, timeouts_.keep_alive);
  if (pending_.empty()) return;
  // The client sent the next request before this answer (pipelining).
  const std::string next = std::move(pending_);
  pending_.clear();
  Consume(next, now);
}

void Connection::WaitForRequest(Clock::time_point now, std::chrono::milliseconds idle) {
  static std::atomic<uint64_t> next_order{0};
  state_ = State::kReading;
  waiting_order_ = ++next_order;
  deadline_ = now + idle;
}

void Connection::Discard() {
  char buffer[kReadChunk];
  for (size_t budget = kReadBudget; budget > 0;) {
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      budget -= std::min(budget, static_cast<size_t>(n));
      discarded_ += n;
      if (discarded_ <= kMaxDiscard) continue;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    }
    Close();  // the client closed, failed, or sent too much
    return;
  }
}  // more to drop: the socket is still readable and brings us back

void Connection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  state_ = State::kClosed;
}

}  // namespace phpeek::rest
