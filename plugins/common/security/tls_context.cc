#include "plugins/common/security/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace phpeek::security {
namespace {

// OpenSSL's reason for the last failure, and the queue emptied (it is per thread).
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "OpenSSL error " + std::to_string(code);
}

// A file OpenSSL would fail to open gets the system's reason (errno), which says more.
bool Readable(const std::string& where, const std::string& path, std::string* err) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *err = where + ": cannot read '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::fclose(f);
  return true;
}

int VerifyMode(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::kNone:
      return SSL_VERIFY_NONE;
    case ClientAuth::kRequest:
      return SSL_VERIFY_PEER;
    case ClientAuth::kRequire:
    case ClientAuth::kVerify:
      return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
}

// An encrypted key would make OpenSSL ask for its passphrase on the terminal: refuse it instead.
int NoPassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return 0; }

bool LoadCertificates(SSL_CTX* ctx, const std::string& k, const TlsSettings& s, std::string* err) {
  if (!Readable(k + ".cert_file", s.cert_file, err) ||
      !Readable(k + ".key_file", s.key_file, err)) {
    return false;
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, s.cert_file.c_str()) != 1) {
    *err = k + ".cert_file: '" + s.cert_file + "' is not a PEM certificate: " + OpenSslReason();
    return false;
  }
  const bool key_loaded =
      SSL_CTX_use_PrivateKey_file(ctx, s.key_file.c_str(), SSL_FILETYPE_PEM) == 1;
  // OpenSSL compares the key with the certificate as it loads it.
  const bool mismatch =
      !key_loaded && ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
  if (!key_loaded && !mismatch) {
    *err = k + ".key_file: '" + s.key_file +
           "' is not an unencrypted PEM private key: " + OpenSslReason();
    return false;
  }
  if (mismatch || SSL_CTX_check_private_key(ctx) != 1) {
    *err = k + ".key_file: '" + s.key_file + "' does not belong to the certificate in '" +
           s.cert_file + "'";
    ERR_clear_error();
    return false;
  }
  return true;
}

bool LoadClientCas(SSL_CTX* ctx, const std::string& k, const TlsSettings& s, std::string* err) {
  if (s.ca_file.empty()) return true;
  if (!Readable(k + ".ca_file", s.ca_file, err)) return false;
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(s.ca_file.c_str());
  if (SSL_CTX_load_verify_locations(ctx, s.ca_file.c_str(), nullptr) != 1 || names == nullptr) {
    if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
    *err = k + ".ca_file: '" + s.ca_file + "' holds no PEM certificate: " + OpenSslReason();
    return false;
  }
  SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
  return true;
}

}  // namespace

std::shared_ptr<const TlsContext> TlsContext::Create(const std::string& key,
                                                     const TlsSettings& settings,
                                                     std::string* err) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) {
    *err = key + ": cannot create a TLS context: " + OpenSslReason();
    return nullptr;
  }
  std::shared_ptr<const TlsContext> made(new TlsContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, settings.min_version);
  // Renegotiation is a client-triggered handshake in the middle of a connection: never needed
  // here. IGNORE_UNEXPECTED_EOF: a client that closes without close_notify just ended.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
  // A send may take part of an answer, and the connection retries with its buffer moved.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  static const unsigned char kSessionContext[] = "phpeek-pm";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1);
  SSL_CTX_set_default_passwd_cb(ctx, NoPassphrase);
  if (!LoadCertificates(ctx, key, settings, err) || !LoadClientCas(ctx, key, settings, err)) {
    return nullptr;
  }
  SSL_CTX_set_verify(ctx, VerifyMode(settings.client_auth), nullptr);
  return made;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace phpeek::security
