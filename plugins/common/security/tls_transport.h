// A TLS connection under the plugins' HTTP server (plugins/common/http/transport.h): the accepted
// socket and one non-blocking OpenSSL SSL object in server mode. The handshake runs inside the
// first Receive calls, so it is bounded by the connection's first deadline (the idle one: a client
// that never finishes its handshake is closed like one that never sends a request). When OpenSSL
// waits for the other direction (a handshake message to send, a key update to read) wants_write()
// or wants_read() say so, and the connection polls for it. A failed handshake (no client
// certificate, one from another CA, an old protocol) fails the connection: OpenSSL has sent its
// alert, and nothing reaches the HTTP layer.
#pragma once

#include <memory>

#include "plugins/common/http/transport.h"
#include "plugins/common/security/tls_context.h"

typedef struct ssl_st SSL;

namespace phpeek::security {

class TlsTransport : public http::Transport {
 public:
  // Takes ownership of `fd`; keeps `context` alive for the connection's life.
  TlsTransport(int fd, std::shared_ptr<const TlsContext> context);
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  int fd() const override { return fd_; }
  http::IoResult Receive(char* buffer, size_t size) override;
  http::IoResult Send(std::string_view bytes) override;
  bool InputPending() override;
  void ShutdownWrite() override;
  bool wants_read() const override { return want_ == Want::kRead; }
  bool wants_write() const override { return want_ == Want::kWrite; }

 private:
  enum class Want { kNothing, kRead, kWrite };
  // The outcome of an SSL_read/SSL_write that returned `n`.
  http::IoResult Outcome(int n);

  int fd_;
  std::shared_ptr<const TlsContext> context_;
  SSL* ssl_ = nullptr;
  Want want_ = Want::kNothing;
};

}  // namespace phpeek::security
