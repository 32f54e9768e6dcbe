// A real Server on 127.0.0.1 (port 0) whose handler the test controls, and what it logs.
//
// The default handler records each request and answers by path: /health -> 200 JSON
// {"status":"healthy"}; /status/N -> status N; /big/N -> 200 with N bytes of 'x'; anything else
// -> 200 text "METHOD TARGET BODY" (202 for POST). Hold() makes requests wait in the handler until
// Release(), to fill the workers.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugins/common/http/server.h"

namespace phpeek::http::testing {

class TestServer {
 public:
  explicit TestServer(ServerOptions options = {}, Handler handler = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  bool started() const { return started_; }
  int port() const { return server_->port(); }
  Server& server() { return *server_; }
  std::vector<HttpRequest> requests() const;
  std::vector<std::string> log() const;

  void Hold();
  // True once `n` requests wait in the handler (within 10 s).
  bool WaitForHeld(int n);
  void Release();

 private:
  HttpResponse Answer(const HttpRequest& request);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HttpRequest> requests_;  // guarded by mu_
  std::vector<std::string> log_;       // guarded by mu_
  bool hold_ = false;                  // guarded by mu_
  int held_ = 0;                       // guarded by mu_
  std::unique_ptr<Server> server_;
  bool started_ = false;
};

}  // namespace phpeek::http::testing
