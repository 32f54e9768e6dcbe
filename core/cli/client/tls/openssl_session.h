// Inside phpeek-pm-tls.so: the client side of TLS for the API client commands (https:// URLs), one
// OpenSSL session over a connected non-blocking socket; the caller waits for each step with
// poll(2) until its deadline. The server's certificate is always verified: against --cacert (a CA,
// or the server's own certificate: a partial chain is accepted, so a self-signed certificate can
// be pinned) or, without one, the system's CAs; and it must name the host of the URL (an IP
// address in its subjectAltName for https://127.0.0.1). --cert and --key present a client
// certificate (mutual TLS, api_tls.client_auth). TLS 1.2 at the least.
#pragma once

#include <string>
#include <string_view>

#include "core/cli/client/tls/tls_client_abi.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace phpeek::cli::client::tls {

class OpenSslSession {
 public:
  using Step = PhpeekTlsStep;

  OpenSslSession() = default;
  ~OpenSslSession();
  OpenSslSession(const OpenSslSession&) = delete;
  OpenSslSession& operator=(const OpenSslSession&) = delete;

  // Prepares the session for `fd` (not owned) and the URL's `host`; false with `why`.
  bool Begin(int fd, const std::string& host, const PhpeekTlsClientFiles& files, std::string* why);
  // One step of the handshake, of a write or of a read.
  Step Handshake(std::string* why);
  Step Write(std::string_view data, size_t* written, std::string* why);
  // *received = 0 with PHPEEK_TLS_DONE: the server closed the session.
  Step Read(char* buffer, size_t size, size_t* received, std::string* why);

 private:
  Step Outcome(int n, const char* what, std::string* why);

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

}  // namespace phpeek::cli::client::tls
