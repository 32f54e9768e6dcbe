// A real HTTP server on 127.0.0.1 (port 0) with the API's server options (api_server.h), running
// the real Api over a FakeBackend, with its StreamHub (the SSE routes).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "plugins/common/control/stream_hub.h"
#include "plugins/common/http/server.h"
#include "plugins/rest-api/api_server.h"
#include "plugins/rest-api/handlers.h"
#include "plugins/rest-api/openapi_document.h"
#include "tests/unit/rest_api/fake_backend.h"

namespace phpeek::rest::testing {

class ApiServer {
 public:
  explicit ApiServer(std::optional<std::string> token = std::nullopt, Settings settings = {},
                     control::StreamOptions streams = {})
      : hub_(&backend_, streams), api_(&backend_, Options(std::move(token), &hub_)) {
    hub_.Start();
    settings.host = "127.0.0.1";
    settings.port = 0;
    server_ = std::make_unique<http::Server>(
        ApiServerOptions(settings), [this](const HttpRequest& r) { return api_.Handle(r); },
        [](int, const std::string&) {});
    std::string err;
    started_ = server_->Start(&err);
    EXPECT_TRUE(started_) << err;
  }

  ~ApiServer() {
    hub_.Stop();
    server_->Stop();
  }

  int port() const { return server_->port(); }
  FakeBackend& backend() { return backend_; }
  http::Server& server() { return *server_; }
  control::StreamHub& hub() { return hub_; }

 private:
  static ApiOptions Options(std::optional<std::string> token, control::StreamHub* hub) {
    ApiOptions options{std::move(token), 10, OpenApiDocument()};
    options.streams = hub;
    return options;
  }

  FakeBackend backend_;
  control::StreamHub hub_;
  Api api_;
  std::unique_ptr<http::Server> server_;
  bool started_ = false;
};

}  // namespace phpeek::rest::testing
