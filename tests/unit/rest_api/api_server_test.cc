// How the API uses the HTTP server (api_server.h): its endpoints and limits from the settings,
// the JSON look of the answers the server makes itself, and its threads at nice 19. The server's
// own behaviour is tested with the server, in tests/unit/plugins_http.
#include "plugins/rest-api/api_server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "plugins/common/http/thread_priority.h"
#include "tests/support/http_test_client.h"
#include "tests/unit/rest_api/api_fixture.h"

namespace phpeek::rest::testing {

using phpeek::testing::http::RawConnection;
using phpeek::testing::http::Reply;
using phpeek::testing::http::Request;
namespace {

using namespace std::chrono_literals;

TEST(ApiServerOptions, FollowTheSettings) {
  Settings settings;
  settings.host = "::1";
  settings.port = 0;
  settings.socket_path = "/run/phpeek-pm.sock";
  settings.max_request_body = 4096;
  const http::ServerOptions o = ApiServerOptions(settings);
  ASSERT_EQ(o.endpoints.size(), 2u);
  EXPECT_EQ(o.endpoints[0].host, "::1");
  EXPECT_EQ(o.endpoints[0].setting, "api_port");
  EXPECT_EQ(o.endpoints[1].unix_path, "/run/phpeek-pm.sock");
  EXPECT_EQ(o.endpoints[1].setting, "api_socket");
  EXPECT_EQ(o.limits.max_body, 4096);
  EXPECT_EQ(o.limits.bodies, http::BodyPolicy::kRead);
  EXPECT_EQ(o.timeouts.request, 5s);
  EXPECT_EQ(o.timeouts.idle, 5s);
  EXPECT_EQ(o.max_connections, 128);
  EXPECT_TRUE(o.lower_priority);
  EXPECT_EQ(ApiServerOptions(Settings{}).endpoints.size(), 1u) << "no api_socket, no Unix socket";
}

// A server whose handler can be held: requests wait in it until Release().
class HeldServer {
 public:
  explicit HeldServer(http::ServerOptions options) {
    server_ = std::make_unique<http::Server>(
        std::move(options),
        [this](const HttpRequest&) {
          std::unique_lock<std::mutex> lock(mu_);
          ++waiting_;
          cv_.notify_all();
          cv_.wait(lock, [this] { return released_; });
          return control::JsonResponse(200, "{}");
        },
        [](int, const std::string&) {});
    std::string err;
    EXPECT_TRUE(server_->Start(&err)) << err;
  }
  ~HeldServer() {
    Release();
    server_->Stop();
  }
  int port() const { return server_->port(); }
  bool WaitForHeld(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return waiting_ >= n; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool released_ = false;
  std::unique_ptr<http::Server> server_;
};

const char kHealth[] = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";

http::ServerOptions Loopback() {
  Settings settings;
  settings.port = 0;
  return ApiServerOptions(settings);
}

// The server's own 503 (every connection busy in a handler) in the API's JSON, with Retry-After.
TEST(ApiServer, ConnectionsBusyInHandlersGet503InJson) {
  http::ServerOptions options = Loopback();
  options.max_connections = 2;
  options.workers = 2;
  HeldServer s(options);
  RawConnection a(s.port()), b(s.port());
  ASSERT_TRUE(a.Send(kHealth) && b.Send(kHealth));
  ASSERT_TRUE(s.WaitForHeld(2));
  Reply extra = Request(s.port(), "GET", "/api/v1/health");
  EXPECT_EQ(extra.status, 503);
  EXPECT_EQ(extra.headers["Retry-After"], "1");
  EXPECT_EQ(extra.headers["Content-Type"], "application/json");
  EXPECT_EQ(extra.headers["Cache-Control"], "no-store");
  EXPECT_EQ(extra.body,
            R"({"error":"too many connections","detail":"every connection slot is busy; try )"
            R"(again in a second"})");
  s.Release();
  EXPECT_NE(a.ReadUntil("\r\n\r\n{}", 5s).find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(b.ReadUntil("\r\n\r\n{}", 5s).find("HTTP/1.1 200"), std::string::npos);
}

// The refusals the server makes itself, over a socket, in the API's JSON.
TEST(ApiServer, RefusalsAreJsonAndClose) {
  Settings settings;
  ApiServer s(std::nullopt, settings);
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send("GET /api/v1/health XTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string got = c.ReadUntilClosed(5s);
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(got.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << got;
  EXPECT_NE(got.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\nCache-Control: no-store\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find(R"({"error":"bad request","detail":"malformed HTTP version 'XTTP/1.1')"),
            std::string::npos)
      << got;
  EXPECT_TRUE(s.backend().calls().empty());
}

int ThreadNice() {
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  EXPECT_EQ(errno, 0);
  return nice;
}

// The API's handler runs at nice 19; the thread that started the server (in the daemon: the one
// next to the supervision loop) keeps its own.
TEST(ApiServer, HandlersRunAtLowerPriority) {
  const int own = ThreadNice();
  std::atomic<int> seen{-100};
  http::Server server(Loopback(),
                      [&](const HttpRequest&) {
                        seen = ThreadNice();
                        return control::JsonResponse(200, "{}");
                      },
                      {});
  std::string err;
  ASSERT_TRUE(server.Start(&err)) << err;
  EXPECT_EQ(Request(server.port(), "GET", "/anything").status, 200);
  EXPECT_EQ(seen.load(), std::max(own, http::kLowPriorityNice));
  EXPECT_EQ(ThreadNice(), own);
  server.Stop();
}

}  // namespace
}  // namespace phpeek::rest::testing
