// Where a connection's bytes are read and written: the one seam between the HTTP state machine
// (connection.h) and the socket, so that a TLS transport can go under a connection without the
// connection or the server changing.
//
// Every call is non-blocking and never raises SIGPIPE. A connection uses its transport from one
// thread at a time: the I/O thread, or the worker that answers while the connection waits for it.
//
// TLS (plugins/common/security/tls_transport.h) owns the socket and an SSL object in non-blocking
// mode; Receive and Send report kWouldBlock when OpenSSL waits, and wants_read()/wants_write() say
// for which direction: the connection ORs that into the events it polls for (a TLS read can need
// the socket writable, during the handshake; a write readable, for a key update). The handshake
// runs inside the first Receive calls, bounded by the connection's first (idle) deadline.
// Decrypted bytes already buffered inside the TLS layer make InputPending() true even when the
// socket is not readable; the connection feeds the parser until Receive reports kWouldBlock, so
// none are lost.
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
  // The last Receive or Send would block until the socket is readable / writable, whatever the
  // connection itself waits for (a plain socket never needs the other direction).
  virtual bool wants_read() const { return false; }
  virtual bool wants_write() const { return false; }
};

}  // namespace phpeek::http
