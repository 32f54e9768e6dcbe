// phpeek-pm-tls.so's one exported symbol: the table of tls_client_abi.h over OpenSslSession, each
// session with the text of its last failure.
#include <new>
#include <string>

#include "core/cli/client/tls/openssl_session.h"
#include "core/cli/client/tls/tls_client_abi.h"

struct PhpeekTlsSession {
  phpeek::cli::client::tls::OpenSslSession tls;
  std::string error;
};

namespace phpeek::cli::client::tls {
namespace {

PhpeekTlsSession* CreateSession() { return new (std::nothrow) PhpeekTlsSession(); }

void DestroySession(PhpeekTlsSession* s) { delete s; }

int BeginSession(PhpeekTlsSession* s, int fd, const char* host, const PhpeekTlsClientFiles* files) {
  return s->tls.Begin(fd, host, *files, &s->error) ? PHPEEK_TLS_DONE : PHPEEK_TLS_FAILED;
}

int HandshakeStep(PhpeekTlsSession* s) { return s->tls.Handshake(&s->error); }

int WriteStep(PhpeekTlsSession* s, const char* data, size_t size, size_t* written) {
  return s->tls.Write(std::string_view(data, size), written, &s->error);
}

int ReadStep(PhpeekTlsSession* s, char* buffer, size_t size, size_t* received) {
  return s->tls.Read(buffer, size, received, &s->error);
}

const char* LastError(const PhpeekTlsSession* s) { return s->error.c_str(); }

constexpr PhpeekTlsClientV1 kTlsClientTable = {
    CreateSession, DestroySession, BeginSession, HandshakeStep, WriteStep, ReadStep, LastError};

}  // namespace
}  // namespace phpeek::cli::client::tls

extern "C" __attribute__((visibility("default"))) const PhpeekTlsClientV1* phpeek_tls_client_v1() {
  return &phpeek::cli::client::tls::kTlsClientTable;
}
