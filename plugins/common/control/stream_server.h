// The serving half of a control surface (rest-api, dashboard): the HTTP server and the event and
// log streams it carries, started and stopped in the one order that works. The streams' hub
// exists from construction (the surface's handlers keep a pointer to it); Start binds the server
// and then runs the hub; Stop ends the streams first (at once, with `event: end` when the daemon
// shuts down) so that the server still sends their last event, then closes every connection.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "phpeek/plugin.hpp"
#include "plugins/common/control/stream_hub.h"
#include "plugins/common/http/server.h"

namespace phpeek::control {

class StreamServer {
 public:
  StreamServer(Backend* backend, StreamOptions streams);
  ~StreamServer();  // Stop

  StreamHub* hub() { return &hub_; }

  // Binds every endpoint and starts serving `handler`, the server logging through `host`. On
  // failure nothing runs and `err` names the endpoint.
  bool Start(http::ServerOptions options, http::Handler handler, phpeek::v1::Host host,
             std::string* err);
  // Every event the plugin receives, for the event streams.
  void Publish(const phpeek_event& ev) { hub_.Publish(ev); }
  // Idempotent.
  void Stop();

  // While started: the bound address of each endpoint ("127.0.0.1:9180").
  std::vector<std::string> addresses() const;

 private:
  StreamHub hub_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace phpeek::control
