// The server side of TLS for one listener, built from TlsSettings with OpenSSL: the certificate
// chain and key, the CAs for client certificates, the client_auth mode and the oldest protocol
// version (1.2 at the least). Every file is read here, so a bad path, an unreadable or mismatched
// key or a CA file without certificates is an error naming the member and the file.
//
// Why OpenSSL directly and not Poco NetSSL: NetSSL wraps OpenSSL around Poco's blocking stream
// sockets, while the plugins' server (plugins/common/http) is non-blocking epoll with a Transport
// seam (transport.h); TlsTransport (tls_transport.h) drives one SSL object per connection.
//
// Immutable once made: a reload makes a new one (the connections keep the context they began
// with, which OpenSSL reference-counts).
#pragma once

#include <memory>
#include <string>

#include "plugins/common/security/tls_settings.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace phpeek::security {

class TlsContext {
 public:
  // `key` names the setting in errors ("api_tls").
  static std::shared_ptr<const TlsContext> Create(const std::string& key,
                                                  const TlsSettings& settings, std::string* err);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* native() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

}  // namespace phpeek::security
