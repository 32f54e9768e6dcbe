#include "tests/unit/plugins_http/test_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

namespace phpeek::http::testing {

TestServer::TestServer(ServerOptions options, Handler handler) {
  if (options.endpoints.empty()) options.endpoints.push_back(Endpoint{"127.0.0.1", 0, "", "", {}});
  if (!handler) handler = [this](const HttpRequest& r) { return Answer(r); };
  server_ = std::make_unique<Server>(std::move(options), std::move(handler),
                                     [this](int, const std::string& line) {
                                       std::lock_guard<std::mutex> lock(mu_);
                                       log_.push_back(line);
                                     });
  std::string err;
  started_ = server_->Start(&err);
  EXPECT_TRUE(started_) << err;
}

TestServer::~TestServer() {
  Release();
  server_->Stop();
}

std::vector<HttpRequest> TestServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<std::string> TestServer::log() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

void TestServer::Hold() {
  std::lock_guard<std::mutex> lock(mu_);
  hold_ = true;
}

bool TestServer::WaitForHeld(int n) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return held_ >= n; });
}

void TestServer::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  hold_ = false;
  cv_.notify_all();
}

HttpResponse TestServer::Answer(const HttpRequest& request) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    requests_.push_back(request);
    ++held_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return !hold_; });
    --held_;
  }
  const std::string_view path = TargetPath(request.target);
  HttpResponse r;
  r.content_type = "text/plain";
  if (path == "/health") {
    r.content_type = "application/json";
    r.body = R"({"status":"healthy"})";
  } else if (path.rfind("/status/", 0) == 0) {
    r.status = std::atoi(std::string(path.substr(8)).c_str());
  } else if (path.rfind("/big/", 0) == 0) {
    r.body.assign(std::strtoull(std::string(path.substr(5)).c_str(), nullptr, 10), 'x');
  } else {
    r.status = request.method == "POST" ? 202 : 200;
    r.body = request.method + " " + request.target + " " + request.body;
  }
  return r;
}

}  // namespace phpeek::http::testing
