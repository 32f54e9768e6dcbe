// The client side of TLS for the API client commands (https:// URLs): one session over a connected
// non-blocking socket, every step waited for with poll(2) until the exchange's deadline. OpenSSL
// does the work inside phpeek-pm-tls.so (tls/openssl_session.h says what is verified and how),
// which the first Begin() loads (tls_module.h): the executable itself links no OpenSSL.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

struct PhpeekTlsClientV1;
struct PhpeekTlsSession;

namespace phpeek::cli::client {

struct TlsClientFiles {
  std::string ca_file;    // --cacert; "": the system's CAs
  std::string cert_file;  // --cert: a client certificate (PEM)
  std::string key_file;   // --key: its key (PEM); "": in cert_file
};

class TlsSession {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  enum class Step { kDone, kWantRead, kWantWrite, kFailed };

  TlsSession() = default;
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Prepares the session for `fd` (not owned) and the URL's `host`; false with `why` (also when
  // the module cannot be loaded).
  bool Begin(int fd, const std::string& host, const TlsClientFiles& files, std::string* why);
  // One step of the handshake, of a write or of a read; kWantRead/kWantWrite: poll, then again.
  Step Handshake(std::string* why);
  Step Write(std::string_view data, size_t* written, std::string* why);
  // *received = 0 with kDone: the server closed the session.
  Step Read(char* buffer, size_t size, size_t* received, std::string* why);

 private:
  Step Outcome(int step, std::string* why) const;

  const PhpeekTlsClientV1* module_ = nullptr;
  PhpeekTlsSession* session_ = nullptr;
};

}  // namespace phpeek::cli::client
