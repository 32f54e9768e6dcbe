// Where a connection's bytes are read and written: the one seam between the HTTP state machine
// (connection.h) and the socket, so that a TLS transport can go under a connection without the
// connection or the server changing.
//
// Every call is non-blocking and never raises SIGPIPE. A connection uses its transport from one
// thread at a time: the I/O thread, or the worker that answers while the connection waits for it.
//
// How TLS will fit (issue 15, Poco NetSSL/OpenSSL): a TlsTransport owns the socket and an SSL
// object in non-blocking mode; Receive and Send run SSL_read/SSL_write and report kWouldBlock on
// SSL_ERROR_WANT_READ/WANT_WRITE, recording which direction the TLS layer waits for. One addition
// is needed then: a `wants_write()` here that the connection ORs into the events it polls for
// (a TLS read can need the socket writable, during the handshake or a key update), and the
// handshake runs inside the first Receive calls, bounded by the same request deadline as the
// first request (a client that never finishes its handshake is a slow sender). Decrypted bytes
// already buffered inside the TLS layer make InputPending() true even when the socket is not
// readable; the connection feeds the parser until Receive reports kWouldBlock, so none are lost.
#pragma once

#include <cstddef>
#include <string_view>

namespace phpeek::http {

enum class IoStatus {
  kOk,          // `bytes` were transferred (> 0)
  kWouldBlock,  // nothing now; wait for readiness
  kEnd,         // Receive: the peer closed its side
  kFailed,      // reset or another hard error: the connection is over
};

struct IoResult {
  IoStatus status = IoStatus::kOk;
  size_t bytes = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // The descriptor the server polls for readiness.
  virtual int fd() const = 0;
  virtual IoResult Receive(char* buffer, size_t size) = 0;
  virtual IoResult Send(std::string_view bytes) = 0;
  // Some byte of the peer's is waiting to be received (without receiving it).
  virtual bool InputPending() = 0;
  // No more bytes will be sent (the peer sees the end of the stream); receiving goes on.
  virtual void ShutdownWrite() = 0;
};

}  // namespace phpeek::http
