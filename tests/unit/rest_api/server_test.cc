// The HTTP server's own behaviour: keep-alive, the Unix socket, port conflicts, close-on-exec,
// the connection policy past capacity, one deadline per request, framing, and a clean Stop.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>

#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/StreamSocket.h"
#include "plugins/rest-api/worker_priority.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_support.h"
#include "tests/unit/rest_api/api_fixture.h"

namespace phpeek::rest::testing {

using phpeek::testing::http::RawConnection;
using phpeek::testing::http::RawExchange;
using phpeek::testing::http::Reply;
using phpeek::testing::http::Request;
namespace {

using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;
using namespace std::chrono_literals;

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
    socket.connect(
        Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, options.socket_path));
    Poco::Net::HTTPClientSession session(socket);
    // Poco sends no Host over a Unix socket; HTTP/1.1 requires one (curl --unix-socket sends it).
    Reply r = Request(session, "GET", "/api/v1/processes/web", "", {{"Host", "localhost"}});
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
  Server bad(
      options, [](const HttpRequest&) { return HttpResponse{}; }, [](int, const std::string&) {});
  EXPECT_FALSE(bad.Start(&err));
  EXPECT_NE(err.find("exists and is not a socket"), std::string::npos) << err;
}

TEST(Server, PortInUseIsAnErrorNamingHostAndPort) {
  ApiServer first;
  ServerOptions options;
  options.port = first.port();
  Server second(
      options, [](const HttpRequest&) { return HttpResponse{}; }, [](int, const std::string&) {});
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

// A server whose handler can be held: requests wait in it until Release().
class HeldServer {
 public:
  explicit HeldServer(ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(
        options,
        [this](const HttpRequest&) {
          std::unique_lock<std::mutex> lock(mu_);
          ++waiting_;
          cv_.notify_all();
          cv_.wait(lock, [this] { return released_; });
          return HttpResponse{200, "{}", {}};
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
  std::unique_ptr<Server> server_;
};

const char kHealth[] = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";

// Only when every connection is busy in a handler does a new one get 503.
TEST(Server, ConnectionsBusyInHandlersGet503NotSilence) {
  ServerOptions options;
  options.max_connections = 2;
  options.workers = 2;
  HeldServer s(options);
  RawConnection a(s.port()), b(s.port());
  ASSERT_TRUE(a.Send(kHealth) && b.Send(kHealth));
  ASSERT_TRUE(s.WaitForHeld(2));
  Reply extra = Request(s.port(), "GET", "/api/v1/health");
  EXPECT_EQ(extra.status, 503);
  EXPECT_EQ(extra.headers["Retry-After"], "1");
  EXPECT_NE(extra.body.find(R"("error":"too many connections")"), std::string::npos);
  s.Release();
  EXPECT_NE(a.ReadUntil("\r\n\r\n{}", 5s).find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(b.ReadUntil("\r\n\r\n{}", 5s).find("HTTP/1.1 200"), std::string::npos);
}

// Slow or idle clients hold no slot that a new client needs: the one waiting longest for its
// client makes room (a half-sent request gets 503), and the new client is served at once.
TEST(Server, SlowAndIdleClientsNeverLockOutANewOne) {
  ServerOptions options;
  options.max_connections = 8;
  options.request_timeout = 30s;  // far beyond the test: only eviction can make room
  options.keep_alive_timeout = 30s;
  ApiServer s(std::nullopt, options);
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawConnection>(s.port()));
    ASSERT_TRUE(slow.back()->Send("GET /api/v1/health HTTP/1.1\r\nHo"));
  }
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(Request(s.port(), "GET", "/api/v1/health").status, 200) << i;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << i;
  }
  const std::string evicted = slow[0]->ReadUntilClosed(5s);
  EXPECT_TRUE(slow[0]->closed_by_server());
  EXPECT_EQ(evicted.rfind("HTTP/1.1 503", 0), 0u) << evicted;
  // The latest slow client was not the one evicted: it can still finish its request.
  ASSERT_TRUE(slow[7]->Send("st: x\r\n\r\n"));
  EXPECT_NE(slow[7]->ReadUntil("healthy", 5s).find("HTTP/1.1 200"), std::string::npos);
}

// One deadline for the whole request: a client that sends a byte now and then is cut off when
// it passes, with 408, however often it sends.
TEST(Server, SlowSenderIsCutOffAtTheRequestDeadline) {
  ServerOptions options;
  options.request_timeout = 500ms;
  ApiServer s(std::nullopt, options);
  RawConnection c(s.port());
  const std::string request = "POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto start = std::chrono::steady_clock::now();
  std::string got;
  for (size_t i = 0; i + 1 < request.size() && !c.closed_by_server(); ++i) {
    c.Send(request.substr(i, 1));
    got += c.ReadUntil("never", 100ms);  // one byte every 100 ms, a fifth of the deadline
  }
  got += c.ReadUntilClosed(5s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_GE(elapsed, 450ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(got.rfind("HTTP/1.1 408 Request Timeout", 0), 0u) << got;
  EXPECT_TRUE(s.backend().calls().empty());
}

TEST(Server, IncompleteBodiesRunNothingAndGet408) {
  ServerOptions options;
  options.request_timeout = 300ms;
  ApiServer s(std::nullopt, options);
  for (const std::string& partial :
       {std::string("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\nContent-Length: 10"
                    "\r\n\r\nabc"),
        std::string("POST /api/v1/processes/web/scale HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                    "chunked\r\n\r\nC\r\n{\"scale\": 1}\r\n")}) {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send(partial));
    const std::string got = c.ReadUntilClosed(5s);
    EXPECT_EQ(got.rfind("HTTP/1.1 408", 0), 0u) << got;
    EXPECT_NE(got.find(R"("error":"request timeout")"), std::string::npos) << got;
    EXPECT_TRUE(c.closed_by_server());
  }
  // A client that gives up in the middle of a body gets nothing and runs nothing.
  {
    RawConnection c(s.port());
    ASSERT_TRUE(
        c.Send("POST /api/v1/processes/web/stop HTTP/1.1\r\nHost: x\r\n"
               "Content-Length: 10\r\n\r\nabc"));
  }
  EXPECT_EQ(Request(s.port(), "POST", "/api/v1/processes/web/restart").status, 202);
  const auto calls = s.backend().calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].op, ControlOp::kRestart);
}

TEST(Server, IdleKeepAliveConnectionsAreClosed) {
  ServerOptions options;
  options.keep_alive_timeout = 200ms;
  options.request_timeout = 200ms;
  ApiServer s(std::nullopt, options);
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send(kHealth));
  EXPECT_NE(c.ReadUntil("healthy", 5s).find("HTTP/1.1 200"), std::string::npos);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c.ReadUntilClosed(5s), "") << "closed without an answer";
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // A new connection that never sends is closed the same way.
  RawConnection silent(s.port());
  EXPECT_EQ(silent.ReadUntilClosed(5s), "");
  EXPECT_TRUE(silent.closed_by_server());
}

// RFC 9112 section 6.3: no Content-Length and no Transfer-Encoding is an empty body, at once.
TEST(Server, PostWithoutContentLengthIsAnsweredAtOnce) {
  ApiServer s;  // request_timeout 5 s: the old server answered only then
  RawConnection c(s.port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Send("POST /api/v1/processes/web/restart HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string got = c.ReadUntil("}", 5s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(got.rfind("HTTP/1.1 202 Accepted", 0), 0u) << got;
  EXPECT_NE(got.find(R"({"message":"restart initiated","process":"web"})"), std::string::npos);
}

TEST(Server, ExpectContinueGetsA100BeforeTheBody) {
  ApiServer s;
  RawConnection c(s.port());
  ASSERT_TRUE(
      c.Send("POST /api/v1/processes/web/scale HTTP/1.1\r\nHost: x\r\n"
             "Expect: 100-continue\r\nContent-Length: 12\r\n\r\n"));
  EXPECT_EQ(c.ReadUntil("\r\n\r\n", 5s), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.Send(R"({"scale": 1})"));
  EXPECT_NE(c.ReadUntil("\"scale\":1}", 5s).find("HTTP/1.1 202"), std::string::npos);
}

TEST(Server, FramingErrorsGet400AndTheConnectionCloses) {
  ApiServer s;
  for (const std::string& bad :
       {std::string("GET /api/v1/health XTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n")}) {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send(bad + kHealth));
    const std::string got = c.ReadUntilClosed(5s);
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_EQ(got.rfind("HTTP/1.1 400 Bad Request", 0), 0u) << got;
    EXPECT_EQ(got.find("200 OK"), std::string::npos) << got;
  }
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
