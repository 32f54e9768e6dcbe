// The HTTP server's own behaviour: keep-alive, the Unix socket, port conflicts, close-on-exec,
// the 503 policy past capacity, request timeouts and a clean Stop.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>

#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/StreamSocket.h"
#include "tests/support/test_support.h"
#include "tests/unit/rest_api/api_fixture.h"
#include "plugins/rest-api/worker_priority.h"
#include "tests/support/http_test_client.h"

namespace phpeek::rest::testing {

using phpeek::testing::http::RawExchange;
using phpeek::testing::http::Reply;
using phpeek::testing::http::Request;
namespace {

using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;

int ThreadCount() {
  return static_cast<int>(std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                                        std::filesystem::directory_iterator()));
}

TEST(Server, KeepAliveServesManyRequestsOnOneConnection) {
  ApiServer s;
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(s.port()));
  session.setKeepAlive(true);
  for (int i = 0; i < 20; ++i) {
    Reply r = Request(session, "GET", "/api/v1/processes");
    ASSERT_EQ(r.status, 200);
    // Also after an error answer.
    ASSERT_EQ(Request(session, "POST", "/api/v1/processes/web/scale", "{").status, 400);
  }
  const std::string raw = RawExchange(
      s.port(),
      "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\n"
      "Connection: close\r\n\r\n");
  size_t count = 0;
  for (size_t pos = 0; (pos = raw.find("HTTP/1.1 200", pos)) != std::string::npos; ++pos) ++count;
  EXPECT_EQ(count, 2u) << raw;
}

TEST(Server, ServesTheUnixSocketWithMode0600) {
  TempDir dir;
  ServerOptions options;
  options.socket_path = dir.Join("api.sock");
  {
    ApiServer s(std::nullopt, options);
    struct stat st {};
    ASSERT_EQ(::lstat(options.socket_path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL,
                                            options.socket_path));
    Poco::Net::HTTPClientSession session(socket);
    Reply r = Request(session, "GET", "/api/v1/processes/web");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"web-1\""), std::string::npos);
  }
  struct stat st {};
  EXPECT_NE(::lstat(options.socket_path.c_str(), &st), 0) << "socket file removed at stop";
}

TEST(Server, StaleSocketFileIsReplacedButANonSocketIsRefused) {
  TempDir dir;
  ServerOptions options;
  options.socket_path = dir.Write("not-a-socket", "x");
  options.port = 0;
  std::string err;
  Server bad(options, [](const HttpRequest&) { return HttpResponse{}; },
             [](int, const std::string&) {});
  EXPECT_FALSE(bad.Start(&err));
  EXPECT_NE(err.find("exists and is not a socket"), std::string::npos) << err;
}

TEST(Server, PortInUseIsAnErrorNamingHostAndPort) {
  ApiServer first;
  ServerOptions options;
  options.port = first.port();
  Server second(options, [](const HttpRequest&) { return HttpResponse{}; },
                [](int, const std::string&) {});
  std::string err;
  EXPECT_FALSE(second.Start(&err));
  EXPECT_NE(err.find("127.0.0.1:" + std::to_string(first.port())), std::string::npos) << err;
  EXPECT_NE(err.find("address in use"), std::string::npos) << err;
  EXPECT_EQ(Request(first.port(), "GET", "/api/v1/health").status, 200);
}

TEST(Server, SocketsAreCloseOnExec) {
  ApiServer s;
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(s.port()));
  session.setKeepAlive(true);
  ASSERT_EQ(Request(session, "GET", "/api/v1/health").status, 200);
  // Every socket of this process that the server owns (listener, accepted connection) must be
  // FD_CLOEXEC; the client's own socket is Poco's and is skipped by comparing peers.
  const int client_fd = session.socket().impl()->sockfd();
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::stoi(entry.path().filename());
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (ec || target.string().rfind("socket:", 0) != 0 || fd == client_fd) continue;
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd;
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

TEST(Server, OverCapacityConnectionsGet503NotSilence) {
  ServerOptions options;
  options.max_connections = 2;
  options.overload_threads = 1;
  ApiServer s(std::nullopt, options);
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<Poco::Net::HTTPClientSession>(
        "127.0.0.1", static_cast<Poco::UInt16>(s.port())));
    held.back()->setKeepAlive(true);
    ASSERT_EQ(Request(*held.back(), "GET", "/api/v1/health").status, 200);
  }
  Reply extra = Request(s.port(), "GET", "/api/v1/health");
  EXPECT_EQ(extra.status, 503);
  EXPECT_EQ(extra.headers["Retry-After"], "1");
  EXPECT_NE(extra.body.find("too many connections"), std::string::npos);
  // The held connections still work, and once one closes a new client is served again.
  EXPECT_EQ(Request(*held[0], "GET", "/api/v1/health").status, 200);
  held.pop_back();
  EXPECT_TRUE(WaitUntil([&] { return Request(s.port(), "GET", "/api/v1/health").status == 200; }));
}

TEST(Server, PartialRequestsTimeOut) {
  ServerOptions options;
  options.request_timeout = std::chrono::milliseconds(300);
  options.keep_alive_timeout = std::chrono::milliseconds(300);
  ApiServer s(std::nullopt, options);
  const auto start = std::chrono::steady_clock::now();
  const std::string raw = RawExchange(s.port(), "GET /api/v1/health HTTP/1.1\r\nHost:", 5000);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(3)) << "the server must drop a stalled request";
  EXPECT_EQ(raw.find("200 OK"), std::string::npos) << raw;
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/health").status, 200);
}

int ThreadNice() {
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  EXPECT_EQ(errno, 0);
  return nice;
}

// The handler runs at the workers' nice value; the thread that started the server (in the daemon:
// the one next to the supervision loop) keeps its own.
TEST(Server, ConnectionThreadsRunAtLowerPriority) {
  const int own = ThreadNice();
  std::atomic<int> seen{-100};
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  Server server(
      options,
      [&](const HttpRequest&) {
        seen = ThreadNice();
        return HttpResponse{200, "{}", {}};
      },
      [](int, const std::string&) {});
  std::string err;
  ASSERT_TRUE(server.Start(&err)) << err;
  EXPECT_EQ(Request(server.port(), "GET", "/anything").status, 200);
  EXPECT_EQ(seen.load(), std::max(own, kWorkerNice));
  EXPECT_EQ(ThreadNice(), own);
  server.Stop();
}

TEST(Server, StopJoinsEveryThreadEvenWithOpenConnections) {
  const int before = ThreadCount();
  {
    ApiServer s;
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(s.port()));
    session.setKeepAlive(true);
    ASSERT_EQ(Request(session, "GET", "/api/v1/health").status, 200);
    EXPECT_GT(ThreadCount(), before);
    const auto start = std::chrono::steady_clock::now();
    s.server().Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(ThreadCount(), before);
  }
  EXPECT_EQ(ThreadCount(), before);
}

}  // namespace
}  // namespace phpeek::rest::testing
