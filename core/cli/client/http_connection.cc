#include "core/cli/client/http_connection.h"

#include <netdb.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace phpeek::cli::client {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Milliseconds left until `deadline` (0 when past), rounded up so that poll never spins.
int MillisecondsLeft(Connection::Deadline deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1 << 30));
}

}  // namespace

Connection::~Connection() { Close(); }

void Connection::Close() {
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Connection::Status Connection::Wait(short events, Deadline deadline, const char* what,
                                    std::string* why) const {
  for (;;) {
    pollfd p{fd_, events, 0};
    const int n = ::poll(&p, 1, MillisecondsLeft(deadline));
    if (n > 0) return Status::kOk;  // errors and hang-ups show in the next call
    if (n == 0) {
      *why = std::string("timed out ") + what;
      return Status::kTimedOut;
    }
    if (errno != EINTR) {
      *why = "poll: " + ErrnoText(errno);
      return Status::kFailed;
    }
  }
}

Connection::Status Connection::ConnectTo(int family, const void* address, socklen_t length,
                                         Deadline deadline, std::string* why) {
  Close();
  fd_ = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *why = "socket: " + ErrnoText(errno);
    return Status::kFailed;
  }
  int err = 0;
  if (::connect(fd_, static_cast<const sockaddr*>(address), length) != 0) {
    err = errno;
    if (err == EINPROGRESS || err == EINTR) {
      const Status waited = Wait(POLLOUT, deadline, "connecting", why);
      if (waited != Status::kOk) return waited;
      socklen_t size = sizeof(err);
      if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &size) != 0) err = errno;
    }
  }
  if (err == 0) return Status::kOk;
  *why = err == ECONNREFUSED ? "connection refused" : ErrnoText(err);
  Close();
  return err == ECONNREFUSED ? Status::kRefused : Status::kFailed;
}

Connection::Status Connection::ConnectTcp(const std::string& host, const std::string& port,
                                          Deadline deadline, std::string* why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    *why = "cannot resolve '" + host + "': " + ::gai_strerror(rc);
    return Status::kFailed;
  }
  Status status = Status::kFailed;
  bool all_refused = true;
  for (const addrinfo* a = found; a; a = a->ai_next) {
    status = ConnectTo(a->ai_family, a->ai_addr, a->ai_addrlen, deadline, why);
    if (status == Status::kOk || status == Status::kTimedOut) break;
    all_refused = all_refused && status == Status::kRefused;
  }
  ::freeaddrinfo(found);
  if (status == Status::kOk || status == Status::kTimedOut) return status;
  return all_refused ? Status::kRefused : Status::kFailed;
}

Connection::Status Connection::ConnectUnix(const std::string& path, Deadline deadline,
                                           std::string* why) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    *why = "invalid socket path (empty or longer than " +
           std::to_string(sizeof(address.sun_path) - 1) + " bytes)";
    return Status::kFailed;
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  const Status status = ConnectTo(AF_UNIX, &address, sizeof(address), deadline, why);
  if (status == Status::kFailed) *why = path + ": " + *why;
  return status;
}

Connection::Status Connection::StartTls(const std::string& host, const TlsClientFiles& files,
                                        Deadline deadline, std::string* why) {
  tls_ = std::make_unique<TlsSession>();
  if (!tls_->Begin(fd_, host, files, why)) return Status::kFailed;
  for (;;) {
    const TlsSession::Step step = tls_->Handshake(why);
    if (step == TlsSession::Step::kDone) return Status::kOk;
    const Status waited = WaitTls(step, deadline, "during the TLS handshake", why);
    if (waited != Status::kOk) return waited;
  }
}

Connection::Status Connection::WaitTls(TlsSession::Step step, Deadline deadline, const char* what,
                                       std::string* why) {
  if (step == TlsSession::Step::kFailed) return Status::kFailed;
  return Wait(step == TlsSession::Step::kWantWrite ? POLLOUT : POLLIN, deadline, what, why);
}

Connection::Status Connection::SendAllTls(std::string_view data, Deadline deadline,
                                          std::string* why) {
  while (!data.empty()) {
    size_t written = 0;
    const TlsSession::Step step = tls_->Write(data, &written, why);
    data.remove_prefix(written);
    if (step == TlsSession::Step::kDone) continue;
    const Status waited = WaitTls(step, deadline, "sending the request", why);
    if (waited != Status::kOk) return waited;
  }
  return Status::kOk;
}

Connection::Status Connection::ReceiveTls(char* buffer, size_t size, Deadline deadline,
                                          size_t* received, std::string* why) {
  for (;;) {
    const TlsSession::Step step = tls_->Read(buffer, size, received, why);
    if (step == TlsSession::Step::kDone) return Status::kOk;
    const Status waited = WaitTls(step, deadline, "waiting for the answer", why);
    if (waited != Status::kOk) return waited;
  }
}

Connection::Status Connection::SendAll(std::string_view data, Deadline deadline, std::string* why) {
  if (tls_) return SendAllTls(data, deadline, why);
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      *why = "sending the request: " + ErrnoText(errno);
      return Status::kFailed;
    }
    const Status waited = Wait(POLLOUT, deadline, "sending the request", why);
    if (waited != Status::kOk) return waited;
  }
  return Status::kOk;
}

Connection::Status Connection::Receive(char* buffer, size_t size, Deadline deadline,
                                       size_t* received, std::string* why) {
  if (tls_) return ReceiveTls(buffer, size, deadline, received, why);
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n >= 0) {
      *received = static_cast<size_t>(n);
      return Status::kOk;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      *why = "reading the answer: " + ErrnoText(errno);
      return Status::kFailed;
    }
    const Status waited = Wait(POLLIN, deadline, "waiting for the answer", why);
    if (waited != Status::kOk) return waited;
  }
}

}  // namespace phpeek::cli::client
