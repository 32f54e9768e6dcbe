#include "core/cli/client/tls/openssl_session.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

namespace phpeek::cli::client::tls {
namespace {

std::string SslReason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return reason ? reason : "TLS error";
}

// OpenSSL's socket BIO writes with write(2), which raises SIGPIPE when the server has closed;
// this one sends with MSG_NOSIGNAL (a failed send is an error the command reports).
int ClientBioWrite(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::send(BIO_get_fd(bio, nullptr), data, static_cast<size_t>(size),
                           MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_write(bio);
  }
  return static_cast<int>(n);
}

int ClientBioRead(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(BIO_get_fd(bio, nullptr), data, static_cast<size_t>(size), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_read(bio);
  }
  return static_cast<int>(n);
}

long ClientBioControl(BIO* bio, int command, long /*number*/, void* pointer) {
  switch (command) {
    case BIO_C_SET_FD:
      BIO_set_data(bio,
                   reinterpret_cast<void*>(static_cast<intptr_t>(*static_cast<int*>(pointer))));
      BIO_set_init(bio, 1);
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

BIO* NewClientBio(int fd) {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "phpeek client socket");
    BIO_meth_set_write(m, ClientBioWrite);
    BIO_meth_set_read(m, ClientBioRead);
    BIO_meth_set_ctrl(m, ClientBioControl);
    return m;
  }();
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_fd(bio, fd, BIO_NOCLOSE);
  return bio;
}

// An encrypted key would make OpenSSL ask for its passphrase: refuse it with a message instead.
int NoClientPassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return 0; }

std::string FileOrNone(const char* path) { return path != nullptr ? path : ""; }

bool LoadClientFiles(SSL_CTX* ctx, const PhpeekTlsClientFiles& f, std::string* why) {
  const std::string ca_file = FileOrNone(f.ca_file);
  const std::string cert_file = FileOrNone(f.cert_file);
  const std::string key_file = FileOrNone(f.key_file);
  SSL_CTX_set_default_passwd_cb(ctx, NoClientPassphrase);
  if (ca_file.empty()) {
    SSL_CTX_set_default_verify_paths(ctx);
  } else if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    *why = "cannot use --cacert '" + ca_file + "': " + SslReason();
    return false;
  }
  // A pinned server certificate (not a CA) is a trust anchor of its own.
  X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
  if (cert_file.empty()) return true;
  const std::string& key = key_file.empty() ? cert_file : key_file;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    *why = "cannot use --cert '" + cert_file + "': " + SslReason();
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    *why = "cannot use --key '" + key + "' with --cert: " + SslReason();
    return false;
  }
  return true;
}

}  // namespace

OpenSslSession::~OpenSslSession() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

bool OpenSslSession::Begin(int fd, const std::string& host, const PhpeekTlsClientFiles& files,
                           std::string* why) {
  ERR_clear_error();
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) {
    *why = "cannot create a TLS context: " + SslReason();
    return false;
  }
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  // A server that closes without close_notify has ended its answer; the framing says the rest.
  SSL_CTX_set_options(ctx_, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  if (!LoadClientFiles(ctx_, files, why)) return false;
  ssl_ = SSL_new(ctx_);
  BIO* bio = ssl_ != nullptr ? NewClientBio(fd) : nullptr;
  if (bio == nullptr) {
    *why = "cannot create a TLS session: " + SslReason();
    return false;
  }
  SSL_set_bio(ssl_, bio, bio);
  in6_addr ip{};
  const bool is_ip =
      ::inet_pton(AF_INET, host.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, host.c_str(), &ip) == 1;
  if (is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str());
  } else {
    SSL_set1_host(ssl_, host.c_str());
    SSL_set_tlsext_host_name(ssl_, host.c_str());
  }
  SSL_set_connect_state(ssl_);
  return true;
}

OpenSslSession::Step OpenSslSession::Outcome(int n, const char* what, std::string* why) {
  if (n > 0) return PHPEEK_TLS_DONE;
  const int e = SSL_get_error(ssl_, n);
  if (e == SSL_ERROR_WANT_READ) return PHPEEK_TLS_WANT_READ;
  if (e == SSL_ERROR_WANT_WRITE) return PHPEEK_TLS_WANT_WRITE;
  const long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    *why = std::string("the server's certificate is not trusted: ") +
           X509_verify_cert_error_string(verify) + " (pass the CA that signed it with --cacert)";
  } else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    *why = std::string(what) + ": " + (errno != 0 ? std::strerror(errno) : "the server closed");
  } else {
    *why = std::string(what) + ": " + SslReason();
  }
  ERR_clear_error();
  return PHPEEK_TLS_FAILED;
}

OpenSslSession::Step OpenSslSession::Handshake(std::string* why) {
  errno = 0;
  const int n = SSL_connect(ssl_);
  return n == 1 ? PHPEEK_TLS_DONE : Outcome(n, "TLS handshake failed", why);
}

OpenSslSession::Step OpenSslSession::Write(std::string_view data, size_t* written,
                                           std::string* why) {
  errno = 0;
  const int n =
      SSL_write(ssl_, data.data(), static_cast<int>(std::min<size_t>(data.size(), INT_MAX)));
  *written = n > 0 ? static_cast<size_t>(n) : 0;
  return Outcome(n, "sending the request", why);
}

OpenSslSession::Step OpenSslSession::Read(char* buffer, size_t size, size_t* received,
                                          std::string* why) {
  errno = 0;
  const int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<size_t>(size, INT_MAX)));
  *received = n > 0 ? static_cast<size_t>(n) : 0;
  if (n <= 0 && SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN) {
    ERR_clear_error();
    return PHPEEK_TLS_DONE;  // close_notify: the end of the answer
  }
  if (n == 0 && SSL_get_error(ssl_, n) == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    return PHPEEK_TLS_DONE;  // closed without close_notify: the framing says if anything is missing
  }
  return Outcome(n, "reading the answer", why);
}

}  // namespace phpeek::cli::client::tls
