#include "plugins/metrics/http_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace phpeek::metrics {
namespace {

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace

Connection::Connection(int fd, const HttpLimits& limits, Clock::time_point now)
    : fd_(fd), limits_(limits), since_(now), last_served_(now) {}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  phase_ = Phase::kClosed;
}

short Connection::poll_events() const { return phase_ == Phase::kWriting ? POLLOUT : POLLIN; }

Connection::Clock::time_point Connection::deadline() const {
  switch (phase_) {
    case Phase::kIdle:
      return since_ + limits_.idle_timeout;
    case Phase::kReading:
      return since_ + limits_.request_timeout;
    case Phase::kWriting:
      return since_ + limits_.write_timeout;
    case Phase::kLingering:
      return since_ + limits_.linger_timeout;
    case Phase::kClosed:
      break;
  }
  return since_;
}

bool Connection::has_buffered_request() const {
  return phase_ == Phase::kReading && HeadLength(in_) > 0;
}

void Connection::EnterPhase(Phase phase, Clock::time_point now) {
  phase_ = phase;
  since_ = now;
}

void Connection::OnReady(short revents, Clock::time_point now, const Responder& respond) {
  switch (phase_) {
    case Phase::kIdle:
    case Phase::kReading:
      Read(now, respond);
      break;
    case Phase::kWriting:
      Flush(now);
      break;  // on POLLERR/POLLHUP the send fails and closes
    case Phase::kLingering:
      Drain();
      break;
    case Phase::kClosed:
      break;
  }
  if ((revents & POLLNVAL) != 0) Close();
}

void Connection::Read(Clock::time_point now, const Responder& respond) {
  char buf[4096];
  while (in_.size() < limits_.max_head_bytes) {
    const size_t room = std::min(sizeof(buf), limits_.max_head_bytes - in_.size());
    const ssize_t n = ::recv(fd_, buf, room, 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) peer_done_ = true;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && !WouldBlock(errno)) return Close();  // reset
    break;
  }
  in_.erase(0, LeadingEmptyLines(in_));
  if (phase_ == Phase::kIdle && !in_.empty()) EnterPhase(Phase::kReading, now);
  if (phase_ == Phase::kIdle && peer_done_) return Close();  // the client left between requests
  HandleBuffered(now, respond);
}

void Connection::HandleBuffered(Clock::time_point now, const Responder& respond) {
  if (phase_ != Phase::kReading) return;
  in_.erase(0, LeadingEmptyLines(in_));
  const size_t head_length = HeadLength(in_);
  if (head_length == 0) {
    if (in_.size() >= limits_.max_head_bytes) {
      Respond(ErrorResponse(431, "request head larger than " +
                                     std::to_string(limits_.max_head_bytes) + " bytes"),
              false, false, 1, now);
    } else if (peer_done_) {
      Respond(ErrorResponse(400, "incomplete request"), false, false, 1, now);
    }
    return;
  }
  RequestHead request;
  const HeadParse parse = ParseRequestHead(std::string_view(in_).substr(0, head_length), &request);
  in_.erase(0, head_length);
  if (parse.status != 0) {
    return Respond(ErrorResponse(parse.status, parse.reason), false, false, 1, now);
  }
  // A body is never read: answer, then close so its bytes are not taken for a request.
  const bool keep_alive = request.keep_alive && !request.has_body && !peer_done_;
  Respond(respond(request), request.method == "HEAD", keep_alive, request.minor_version, now);
}

void Connection::Respond(const HttpResponse& response, bool head_only, bool keep_alive,
                         int minor_version, Clock::time_point now) {
  ConnectionHeader header = ConnectionHeader::kNone;
  if (!keep_alive) header = ConnectionHeader::kClose;
  if (keep_alive && minor_version == 0) header = ConnectionHeader::kKeepAlive;
  out_ = Serialize(response, head_only, header);
  out_sent_ = 0;
  close_after_write_ = !keep_alive;
  EnterPhase(Phase::kWriting, now);
  Flush(now);
}

void Connection::Flush(Clock::time_point now) {
  while (out_sent_ < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n > 0) {
      out_sent_ += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && WouldBlock(errno)) {
      return;  // the loop polls for POLLOUT
    } else {
      return Close();
    }
  }
  out_.clear();
  out_sent_ = 0;
  last_served_ = now;
  if (close_after_write_) {
    ::shutdown(fd_, SHUT_WR);
    in_.clear();
    EnterPhase(Phase::kLingering, now);
    return Drain();
  }
  in_.erase(0, LeadingEmptyLines(in_));
  EnterPhase(in_.empty() ? Phase::kIdle : Phase::kReading, now);  // pipelined bytes: next turn
}

void Connection::Drain() {
  char buf[4096];
  for (int turn = 0; turn < 16; ++turn) {  // bounded per turn of the loop
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && WouldBlock(errno)) return;
    return Close();  // EOF or error: the client has everything
  }
}

void Connection::OnDeadline(Clock::time_point now) {
  if (phase_ == Phase::kReading) {
    return Respond(ErrorResponse(408, "the request did not arrive in time"), false, false, 1, now);
  }
  Close();
}

}  // namespace phpeek::metrics
