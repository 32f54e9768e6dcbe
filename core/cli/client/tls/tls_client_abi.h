// The boundary between the phpeek-pm executable and phpeek-pm-tls.so, the module that holds the
// client side of TLS (OpenSSL) for the client commands' https:// URLs. The executable dlopen()s
// the module only when a command's URL is https://, so that a serving daemon never maps libssl and
// libcrypto (their pages would stay resident for nothing). Both sides come from the same build, so
// this is no stable ABI; it is kept plain and exact anyway: one exported C function returns a table
// of function pointers over plain types, and the module exports nothing else (its linker version
// script).
#pragma once

#include <cstddef>

extern "C" {

// One TLS session over a connected non-blocking socket; owned by the module.
struct PhpeekTlsSession;

// What a call did; WANT_READ/WANT_WRITE: poll the socket for that, then call again.
enum PhpeekTlsStep : int {
  PHPEEK_TLS_DONE = 0,
  PHPEEK_TLS_WANT_READ = 1,
  PHPEEK_TLS_WANT_WRITE = 2,
  PHPEEK_TLS_FAILED = 3,  // error() says why
};

// The client's files; "" for none (ca_file "": the system's CAs; key_file "": in cert_file).
struct PhpeekTlsClientFiles {
  const char* ca_file;
  const char* cert_file;
  const char* key_file;
};

struct PhpeekTlsClientV1 {
  // nullptr only when out of memory.
  PhpeekTlsSession* (*create)();
  void (*destroy)(PhpeekTlsSession* session);
  // Prepares the session for `fd` (not owned) and the URL's `host`: DONE or FAILED.
  int (*begin)(PhpeekTlsSession* session, int fd, const char* host,
               const PhpeekTlsClientFiles* files);
  int (*handshake)(PhpeekTlsSession* session);
  int (*write)(PhpeekTlsSession* session, const char* data, size_t size, size_t* written);
  // *received = 0 with DONE: the server closed the session.
  int (*read)(PhpeekTlsSession* session, char* buffer, size_t size, size_t* received);
  // Why the last call returned FAILED (a sentence; valid until the next call).
  const char* (*error)(const PhpeekTlsSession* session);
};

// The module's one exported symbol.
const PhpeekTlsClientV1* phpeek_tls_client_v1();

}  // extern "C"

// The module's file name, in DefaultLibDir() (core/plugin_host/plugin_list.h), and its entry.
inline constexpr char kPhpeekTlsModuleFile[] = "phpeek-pm-tls.so";
inline constexpr char kPhpeekTlsClientEntry[] = "phpeek_tls_client_v1";
