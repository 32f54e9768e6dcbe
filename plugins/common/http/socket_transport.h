// The plain transport: a connected non-blocking stream socket (TCP or Unix), owned and closed.
#pragma once

#include "plugins/common/http/transport.h"

namespace phpeek::http {

class SocketTransport : public Transport {
 public:
  explicit SocketTransport(int fd) : fd_(fd) {}  // takes ownership
  ~SocketTransport() override;
  SocketTransport(const SocketTransport&) = delete;
  SocketTransport& operator=(const SocketTransport&) = delete;

  int fd() const override { return fd_; }
  IoResult Receive(char* buffer, size_t size) override;
  IoResult Send(std::string_view bytes) override;
  bool InputPending() override;
  void ShutdownWrite() override;

 private:
  int fd_;
};

}  // namespace phpeek::http
