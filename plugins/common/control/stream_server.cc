#include "plugins/common/control/stream_server.h"

#include <utility>

namespace phpeek::control {

StreamServer::StreamServer(Backend* backend, StreamOptions streams)
    : hub_(backend, std::move(streams)) {}

StreamServer::~StreamServer() { Stop(); }

bool StreamServer::Start(http::ServerOptions options, http::Handler handler, phpeek::v1::Host host,
                         std::string* err) {
  server_ = std::make_unique<http::Server>(
      std::move(options), std::move(handler),
      [host](int level, const std::string& msg) { host.log(level, msg); });
  if (!server_->Start(err)) {
    server_.reset();
    return false;
  }
  hub_.Start();
  return true;
}

void StreamServer::Stop() {
  hub_.Stop();
  if (server_) server_->Stop();
}

std::vector<std::string> StreamServer::addresses() const {
  return server_ ? server_->addresses() : std::vector<std::string>{};
}

}  // namespace phpeek::control
