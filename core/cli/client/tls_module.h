// phpeek-pm-tls.so (tls/tls_client_abi.h), the client side of TLS, loaded on the first https://
// URL and never for http:// or unix:, so that only a command that needs OpenSSL maps it.
#pragma once

#include <string>

struct PhpeekTlsClientV1;

namespace phpeek::cli::client {

// DefaultLibDir()/phpeek-pm-tls.so (core/plugin_host/plugin_list.h): beside the plugins' folder.
std::string TlsModulePath();

// The module's table, loaded on the first call and kept for the life of the process; nullptr with
// `why` (the file and dlerror()) when it cannot be loaded.
const PhpeekTlsClientV1* TlsClientModule(std::string* why);

}  // namespace phpeek::cli::client
