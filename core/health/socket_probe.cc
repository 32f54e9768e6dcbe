#include "core/health/socket_probe.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/health/http_status.h"

namespace phpeek::health {
namespace {

std::string HttpRequest(const config::ProbeEndpoint& e) {
  return "GET " + e.path + " HTTP/1.1\r\nHost: " + e.host_header +
         "\r\nUser-Agent: phpeek-pm health check\r\nAccept: */*\r\nConnection: close\r\n\r\n";
}

std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace

SocketProbe::SocketProbe(supervisor::Loop& loop, Resolver& resolver, config::ProbeEndpoint endpoint,
                         int expected_status, std::string endpoint_error)
    : loop_(loop),
      resolver_(resolver),
      endpoint_(std::move(endpoint)),
      expected_status_(expected_status),
      endpoint_error_(std::move(endpoint_error)),
      request_(expected_status > 0 ? HttpRequest(endpoint_) : "") {}

SocketProbe::~SocketProbe() { Cancel(); }

void SocketProbe::Start(Done done) {
  done_ = std::move(done);
  received_.clear();
  sent_ = 0;
  if (!endpoint_error_.empty()) {
    Finish(false, endpoint_error_);
    return;
  }
  phase_ = Phase::kResolving;
  lookup_ =
      resolver_.Resolve(endpoint_.host, endpoint_.port,
                        [this](bool ok, const SocketAddress& address, const std::string& err) {
                          lookup_ = 0;
                          if (ok) {
                            Connect(address);
                          } else {
                            Finish(false, err);
                          }
                        });
}

void SocketProbe::Cancel() {
  if (lookup_ != 0) resolver_.Cancel(lookup_);
  lookup_ = 0;
  Close();
  phase_ = Phase::kIdle;
  done_ = nullptr;
}

void SocketProbe::Connect(const SocketAddress& address) {
  fd_ = socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    Finish(false, "cannot create a socket: " + ErrnoText(errno));
    return;
  }
  phase_ = Phase::kConnecting;
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&address.storage), address.length) == 0) {
    OnConnected();
    return;
  }
  if (errno != EINPROGRESS) {
    Finish(false, "connect: " + ErrnoText(errno));
    return;
  }
  loop_.Watch(fd_, EPOLLOUT, [this](uint32_t events) { OnReady(events); });
}

void SocketProbe::OnReady(uint32_t events) {
  switch (phase_) {
    case Phase::kConnecting: {
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) {
        Finish(false, "connect: " + ErrnoText(err));
      } else {
        OnConnected();
      }
      return;
    }
    case Phase::kSending:
      SendRequest();
      return;
    case Phase::kReading:
      ReadStatus();
      return;
    default:
      (void)events;
      return;
  }
}

void SocketProbe::OnConnected() {
  if (expected_status_ == 0) {
    // A reset instead of a FIN: the probe leaves no TIME_WAIT socket behind, which matters at
    // hundreds of probes a second.
    linger reset{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    Finish(true, "");
    return;
  }
  phase_ = Phase::kSending;
  SendRequest();
}

void SocketProbe::SendRequest() {
  while (sent_ < request_.size()) {
    const ssize_t n = send(fd_, request_.data() + sent_, request_.size() - sent_, MSG_NOSIGNAL);
    if (n > 0) {
      sent_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      loop_.Unwatch(fd_);
      loop_.Watch(fd_, EPOLLOUT, [this](uint32_t events) { OnReady(events); });
      return;
    }
    Finish(false, "sending the request: " + ErrnoText(errno));
    return;
  }
  phase_ = Phase::kReading;
  loop_.Unwatch(fd_);
  loop_.Watch(fd_, EPOLLIN, [this](uint32_t events) { OnReady(events); });
}

void SocketProbe::ReadStatus() {
  char buffer[1024];
  while (true) {
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // more later
    if (n < 0) {
      Finish(false, "reading the response: " + ErrnoText(errno));
      return;
    }
    if (n == 0) {
      Finish(false, received_.empty() ? "connection closed without a response"
                                      : "connection closed inside the status line");
      return;
    }
    received_.append(buffer, static_cast<size_t>(n));
    int status = 0;
    switch (ParseStatusLine(received_, &status)) {
      case StatusLine::kIncomplete:
        if (received_.size() < kMaxStatusLine) continue;
        [[fallthrough]];
      case StatusLine::kMalformed:
        Finish(false, "the answer is not an HTTP/1.x response");
        return;
      case StatusLine::kParsed:
        if (status == expected_status_) {
          Finish(true, "");
        } else {
          Finish(false, "status " + std::to_string(status) + ", expected " +
                            std::to_string(expected_status_));
        }
        return;
    }
  }
}

void SocketProbe::Finish(bool passed, std::string detail) {
  Close();
  phase_ = Phase::kIdle;
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(ProbeResult{passed, std::move(detail)});
}

void SocketProbe::Close() {
  if (fd_ < 0) return;
  loop_.Unwatch(fd_);
  close(fd_);
  fd_ = -1;
}

}  // namespace phpeek::health
