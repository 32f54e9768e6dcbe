#include "core/cli/client/tls_session.h"

#include "core/cli/client/tls/tls_client_abi.h"
#include "core/cli/client/tls_module.h"

namespace phpeek::cli::client {

TlsSession::~TlsSession() {
  if (session_ != nullptr) module_->destroy(session_);
}

bool TlsSession::Begin(int fd, const std::string& host, const TlsClientFiles& files,
                       std::string* why) {
  module_ = TlsClientModule(why);
  if (module_ == nullptr) return false;
  session_ = module_->create();
  if (session_ == nullptr) {
    *why = "cannot create a TLS session: out of memory";
    return false;
  }
  const PhpeekTlsClientFiles plain{files.ca_file.c_str(), files.cert_file.c_str(),
                                   files.key_file.c_str()};
  return Outcome(module_->begin(session_, fd, host.c_str(), &plain), why) == Step::kDone;
}

TlsSession::Step TlsSession::Outcome(int step, std::string* why) const {
  switch (step) {
    case PHPEEK_TLS_DONE:
      return Step::kDone;
    case PHPEEK_TLS_WANT_READ:
      return Step::kWantRead;
    case PHPEEK_TLS_WANT_WRITE:
      return Step::kWantWrite;
    default:
      *why = module_->error(session_);
      return Step::kFailed;
  }
}

TlsSession::Step TlsSession::Handshake(std::string* why) {
  return Outcome(module_->handshake(session_), why);
}

TlsSession::Step TlsSession::Write(std::string_view data, size_t* written, std::string* why) {
  return Outcome(module_->write(session_, data.data(), data.size(), written), why);
}

TlsSession::Step TlsSession::Read(char* buffer, size_t size, size_t* received, std::string* why) {
  return Outcome(module_->read(session_, buffer, size, received), why);
}

}  // namespace phpeek::cli::client
