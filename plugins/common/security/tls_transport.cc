#include "plugins/common/security/tls_transport.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <utility>

namespace phpeek::security {
namespace {

// OpenSSL's own socket BIO writes with write(2), which raises SIGPIPE on a connection the client
// reset; the Transport contract is that nothing does (transport.h). This BIO sends with
// MSG_NOSIGNAL and is otherwise the plain non-blocking socket.
int SocketBioWrite(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::send(BIO_get_fd(bio, nullptr), data, static_cast<size_t>(size),
                           MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_write(bio);
  }
  return static_cast<int>(n);
}

int SocketBioRead(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(BIO_get_fd(bio, nullptr), data, static_cast<size_t>(size), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_read(bio);
  }
  return static_cast<int>(n);
}

long SocketBioControl(BIO* bio, int command, long number, void* pointer) {
  switch (command) {
    case BIO_C_SET_FD:
      BIO_set_data(bio,
                   reinterpret_cast<void*>(static_cast<intptr_t>(*static_cast<int*>(pointer))));
      BIO_set_init(bio, 1);
      (void)number;
      return 1;
    case BIO_C_GET_FD: {
      const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio)));
      if (pointer != nullptr) *static_cast<int*>(pointer) = fd;
      return fd;
    }
    case BIO_CTRL_FLUSH:
      return 1;
    default:
      return 0;
  }
}

const BIO_METHOD* NoSignalSocketMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "phpeek socket");
    BIO_meth_set_write(m, SocketBioWrite);
    BIO_meth_set_read(m, SocketBioRead);
    BIO_meth_set_ctrl(m, SocketBioControl);
    return m;
  }();
  return method;
}

}  // namespace

TlsTransport::TlsTransport(int fd, std::shared_ptr<const TlsContext> context)
    : fd_(fd), context_(std::move(context)) {
  ssl_ = SSL_new(context_->native());
  BIO* bio = ssl_ != nullptr ? BIO_new(NoSignalSocketMethod()) : nullptr;
  if (bio != nullptr) {
    BIO_set_fd(bio, fd_, BIO_NOCLOSE);
    SSL_set_bio(ssl_, bio, bio);  // the SSL object owns it now
    SSL_set_accept_state(ssl_);
  } else if (ssl_ != nullptr) {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  ERR_clear_error();
}

TlsTransport::~TlsTransport() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

http::IoResult TlsTransport::Outcome(int n) {
  if (n > 0) {
    want_ = Want::kNothing;
    return {http::IoStatus::kOk, static_cast<size_t>(n)};
  }
  const int e = SSL_get_error(ssl_, n);
  ERR_clear_error();  // the queue is per thread, and workers send too
  switch (e) {
    case SSL_ERROR_WANT_READ:
      want_ = Want::kRead;
      return {http::IoStatus::kWouldBlock, 0};
    case SSL_ERROR_WANT_WRITE:
      want_ = Want::kWrite;
      return {http::IoStatus::kWouldBlock, 0};
    case SSL_ERROR_ZERO_RETURN:
      return {http::IoStatus::kEnd, 0};
    default:  // a failed handshake, a reset, a protocol error
      return {http::IoStatus::kFailed, 0};
  }
}

http::IoResult TlsTransport::Receive(char* buffer, size_t size) {
  if (ssl_ == nullptr) return {http::IoStatus::kFailed, 0};
  ERR_clear_error();  // SSL_get_error reads the thread's queue: nothing stale in it
  const int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<size_t>(size, INT_MAX)));
  return Outcome(n);
}

http::IoResult TlsTransport::Send(std::string_view bytes) {
  if (ssl_ == nullptr) return {http::IoStatus::kFailed, 0};
  if (bytes.empty()) return {http::IoStatus::kOk, 0};
  ERR_clear_error();
  // One record holds at most 16 KiB; SSL_write with partial writes takes what fits.
  const int n =
      SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), INT_MAX)));
  return Outcome(n);
}

bool TlsTransport::InputPending() {
  if (ssl_ != nullptr && SSL_has_pending(ssl_) == 1) return true;
  char byte = 0;
  return ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

void TlsTransport::ShutdownWrite() {
  // close_notify first, when a session exists to close; what the client still sends is read on.
  if (ssl_ != nullptr && SSL_is_init_finished(ssl_)) {
    (void)SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  ::shutdown(fd_, SHUT_WR);
}

}  // namespace phpeek::security
