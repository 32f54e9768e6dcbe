#include "core/cli/client/tls_module.h"

#include <dlfcn.h>

#include <filesystem>

#include "core/cli/client/tls/tls_client_abi.h"
#include "core/plugin_host/plugin_list.h"

namespace phpeek::cli::client {
namespace {

struct LoadedTlsModule {
  const PhpeekTlsClientV1* table = nullptr;
  std::string error;  // table == nullptr: why
};

std::string DlErrorText() {
  const char* text = ::dlerror();
  return text != nullptr ? text : "unknown dlopen error";
}

LoadedTlsModule LoadTlsModule() {
  LoadedTlsModule out;
  const std::string path = TlsModulePath();
  // RTLD_LOCAL: OpenSSL's symbols stay the module's. Never unloaded: OpenSSL registers exit
  // handlers in its libraries, and a session may be open until the process ends.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    out.error = "https:// needs phpeek-pm's TLS client module " + path +
                ", which cannot be loaded: " + DlErrorText();
    return out;
  }
  using Entry = const PhpeekTlsClientV1* (*)();
  const auto entry = reinterpret_cast<Entry>(::dlsym(handle, kPhpeekTlsClientEntry));
  if (entry == nullptr) {
    out.error = "https:// needs phpeek-pm's TLS client module " + path + ", which has no " +
                kPhpeekTlsClientEntry + ": " + DlErrorText();
    return out;
  }
  out.table = entry();
  return out;
}

}  // namespace

std::string TlsModulePath() {
  return (std::filesystem::path(plugin_host::DefaultLibDir()) / kPhpeekTlsModuleFile).string();
}

const PhpeekTlsClientV1* TlsClientModule(std::string* why) {
  static const LoadedTlsModule loaded = LoadTlsModule();
  if (loaded.table == nullptr) *why = loaded.error;
  return loaded.table;
}

}  // namespace phpeek::cli::client
