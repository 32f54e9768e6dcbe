// The server's listeners, sockets and threads: keep-alive and pipelining, TCP (IPv4, IPv6, port 0)
// and Unix sockets, address conflicts, close-on-exec, no SO_REUSEPORT, thread priority, and a
// Stop that joins everything. (The cases of rest-api's server_test and metrics' http_server_test
// that concern the server itself.)
#include "plugins/common/http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>

#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/StreamSocket.h"
#include "plugins/common/http/thread_priority.h"
#include "tests/support/http_test_client.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_support.h"
#include "tests/unit/plugins_http/test_server.h"

namespace phpeek::http::testing {
namespace {

using phpeek::testing::TempDir;
using phpeek::testing::http::RawExchange;
using phpeek::testing::http::Reply;
using phpeek::testing::http::Request;
using namespace std::chrono_literals;

int ThreadCount() {
  return static_cast<int>(std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                                        std::filesystem::directory_iterator()));
}

ServerOptions OnPort(int port) {
  ServerOptions options;
  options.endpoints.push_back(Endpoint{"127.0.0.1", port, "", "test_port", {}});
  return options;
}

TEST(Server, KeepAliveServesManyRequestsOnOneConnection) {
  TestServer s;
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(s.port()));
  session.setKeepAlive(true);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Request(session, "GET", "/health").status, 200);
    // Also after an error answer, and after a request with a body.
    ASSERT_EQ(Request(session, "POST", "/status/400", "{").status, 400);
  }
  const std::string raw = RawExchange(s.port(), GetRequest("/health") +
                                                    "GET /health HTTP/1.1\r\nHost: x\r\n"
                                                    "Connection: close\r\n\r\n");
  size_t count = 0;
  for (size_t pos = 0; (pos = raw.find("HTTP/1.1 200", pos)) != std::string::npos; ++pos) ++count;
  EXPECT_EQ(count, 2u) << raw;
}

// Pipelined requests (with the empty lines RFC 9112 section 2.2 lets a client send between them)
// are answered in order on one connection, which stays open.
TEST(Server, PipelinedRequestsAreAnsweredInOrder) {
  TestServer s;
  RawConnection c(s.port());
  ASSERT_TRUE(
      c.Send(GetRequest("/health") + "\r\n" + GetRequest("/a") + GetRequest("/status/404")));
  EXPECT_EQ(c.Read(2s)->body, R"({"status":"healthy"})");
  EXPECT_EQ(c.Read(2s)->body, "GET /a ");
  EXPECT_EQ(c.Read(2s)->status, 404);
  ASSERT_TRUE(c.Send(GetRequest("/health")));  // still open
  EXPECT_EQ(c.Read(2s)->status, 200);
}

TEST(Server, ReportsTheBoundAddressOfPortZero) {
  TestServer s;
  ASSERT_GT(s.port(), 0);
  EXPECT_EQ(s.server().addresses(),
            std::vector<std::string>{"127.0.0.1:" + std::to_string(s.port())});
}

TEST(Server, TheBoundAddressOfAnIpv6ListenerIsBracketed) {
  ServerOptions options;
  options.endpoints.push_back(Endpoint{"::1", 0, "", "", {}});
  Server s(options, [](const HttpRequest&) { return HttpResponse{}; }, {});
  std::string err;
  if (!s.Start(&err)) GTEST_SKIP() << "no IPv6 loopback here: " << err;
  EXPECT_EQ(s.addresses().front(), "[::1]:" + std::to_string(s.port()));
  // The bracketed form people copy from URLs is accepted too.
  ServerOptions bracketed;
  bracketed.endpoints.push_back(Endpoint{"[::1]", 0, "", "", {}});
  Server t(bracketed, [](const HttpRequest&) { return HttpResponse{}; }, {});
  ASSERT_TRUE(t.Start(&err)) << err;
  EXPECT_EQ(t.addresses().front().rfind("[::1]:", 0), 0u);
}

// An IPv6 listener is IPv6 only: "::" takes no IPv4 connection unasked.
TEST(Server, AnIpv6ListenerTakesNoIpv4Connections) {
  ServerOptions options;
  options.endpoints.push_back(Endpoint{"::", 0, "", "", {}});
  TestServer s(options);
  if (!s.started()) GTEST_SKIP() << "no IPv6 here";
  RawConnection v4(s.port());  // 127.0.0.1
  EXPECT_FALSE(v4.ok()) << "an IPv4 client reached the IPv6 listener";
}

TEST(Server, BindErrorNamesTheAddress) {
  ServerOptions options;
  options.endpoints.push_back(Endpoint{"not-an-address.invalid", 1, "", "", {}});
  Server s(options, [](const HttpRequest&) { return HttpResponse{}; }, {});
  std::string err;
  EXPECT_FALSE(s.Start(&err));
  EXPECT_NE(err.find("not-an-address.invalid:1"), std::string::npos) << err;
}

TEST(Server, PortInUseIsAnErrorNamingHostPortAndSetting) {
  TestServer first;
  Server second(OnPort(first.port()), [](const HttpRequest&) { return HttpResponse{}; }, {});
  std::string err;
  EXPECT_FALSE(second.Start(&err));
  EXPECT_NE(err.find("127.0.0.1:" + std::to_string(first.port())), std::string::npos) << err;
  EXPECT_NE(err.find("address in use"), std::string::npos) << err;
  EXPECT_NE(err.find("change test_port"), std::string::npos) << err;
  EXPECT_EQ(Request(first.port(), "GET", "/health").status, 200);
}

// A second listener cannot share the port through SO_REUSEPORT, whatever it sets.
TEST(Server, PortIsNotSharedThroughSoReusePort) {
  TestServer s;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(s.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_NE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
      << "a second listener could share the port";
  ::close(fd);
}

TEST(Server, ServesAUnixSocketWithMode0600AndRemovesItAtStop) {
  TempDir dir;
  const std::string path = dir.Join("api.sock");
  ServerOptions options;
  options.endpoints.push_back(Endpoint{"127.0.0.1", 0, "", "", {}});
  options.endpoints.push_back(Endpoint{"", 0, path, "api_socket", {}});
  {
    TestServer s(options);
    EXPECT_EQ(s.server().addresses().back(), "unix:" + path);
    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path));
    Poco::Net::HTTPClientSession session(socket);
    // Poco sends no Host over a Unix socket; HTTP/1.1 requires one (curl --unix-socket sends it).
    Reply r = Request(session, "GET", "/health", "", {{"Host", "localhost"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"status":"healthy"})");
  }
  struct stat st {};
  EXPECT_NE(::lstat(path.c_str(), &st), 0) << "socket file removed at stop";
}

// A socket file nobody listens on (a daemon that was killed) is replaced; a file that is not a
// socket, or a socket someone serves, is refused with the setting named.
TEST(Server, StaleSocketFileIsReplacedButANonSocketOrALiveOneIsRefused) {
  TempDir dir;
  const std::string stale = dir.Join("stale.sock");
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, stale.c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ::close(fd);  // the file stays behind
  }
  ServerOptions options;
  options.endpoints.push_back(Endpoint{"", 0, stale, "api_socket", {}});
  TestServer live(options);
  EXPECT_TRUE(live.started());

  std::string err;
  Server again(options, [](const HttpRequest&) { return HttpResponse{}; }, {});
  EXPECT_FALSE(again.Start(&err));
  EXPECT_NE(err.find("api_socket " + stale + " is in use by another server"), std::string::npos)
      << err;

  ServerOptions file;
  file.endpoints.push_back(Endpoint{"", 0, dir.Write("not-a-socket", "x"), "api_socket", {}});
  Server bad(file, [](const HttpRequest&) { return HttpResponse{}; }, {});
  EXPECT_FALSE(bad.Start(&err));
  EXPECT_NE(err.find("exists and is not a socket"), std::string::npos) << err;

  // A failed second endpoint leaves nothing bound.
  ServerOptions both = OnPort(0);
  both.endpoints.push_back(file.endpoints.front());
  Server half(both, [](const HttpRequest&) { return HttpResponse{}; }, {});
  EXPECT_FALSE(half.Start(&err));
  EXPECT_TRUE(half.addresses().empty());
}

// Every socket the server owns (listeners, accepted connections) is FD_CLOEXEC, so no supervised
// child inherits one.
TEST(Server, ListeningAndAcceptedSocketsAreCloseOnExec) {
  TempDir dir;
  ServerOptions options;
  options.endpoints.push_back(Endpoint{"127.0.0.1", 0, "", "", {}});
  options.endpoints.push_back(Endpoint{"", 0, dir.Join("s.sock"), "", {}});
  TestServer s(options);
  RawConnection client(s.port());
  ASSERT_TRUE(client.Send(GetRequest("/health")));
  ASSERT_TRUE(client.Read(2s));  // the server side of it is open now
  int sockets = 0;
  int accepted = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (ec || target.rfind("socket:", 0) != 0) continue;
    const int fd = std::stoi(entry.path().filename().string());
    if (fd == client.fd()) continue;  // the test's own end
    ++sockets;
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd << " leaks into children";
    // An accepted TCP connection sends each answer at once, never waiting for a delayed ACK.
    int listening = 0, domain = 0, nodelay = 0;
    socklen_t length = sizeof(int);
    ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length);
    ::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length);
    if (listening || domain != AF_INET) continue;
    ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &length);
    EXPECT_EQ(nodelay, 1) << "fd " << fd;
    ++accepted;
  }
  EXPECT_GE(sockets, 3);  // two listeners and the accepted connection
  EXPECT_EQ(accepted, 1);
}

int ThreadNice() {
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  EXPECT_EQ(errno, 0);
  return nice;
}

// With lower_priority the handler runs at kLowPriorityNice; the thread that started the server
// (in the daemon: the one next to the supervision loop) keeps its own. Without it, nothing
// changes.
TEST(Server, LowerPriorityAppliesToTheServersThreadsOnly) {
  const int own = ThreadNice();
  for (const bool lower : {true, false}) {
    std::atomic<int> seen{-100};
    ServerOptions options = OnPort(0);
    options.lower_priority = lower;
    Server server(options,
                  [&](const HttpRequest&) {
                    seen = ThreadNice();
                    return HttpResponse{};
                  },
                  {});
    std::string err;
    ASSERT_TRUE(server.Start(&err)) << err;
    EXPECT_EQ(Request(server.port(), "GET", "/anything").status, 200);
    EXPECT_EQ(seen.load(), lower ? std::max(own, kLowPriorityNice) : own) << lower;
    EXPECT_EQ(ThreadNice(), own);
    server.Stop();
  }
}

// One I/O thread and the workers serve every connection, however many; Stop, with connections
// still open, closes them and joins every thread. Stop is idempotent.
TEST(Server, AFixedSetOfThreadsServesEveryConnectionAndStopJoinsThem) {
  const int baseline = ThreadCount();
  ServerOptions options = OnPort(0);
  options.workers = 2;
  TestServer s(options);
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<RawConnection>(s.port()));
    clients.back()->Send(GetRequest("/health"));
  }
  for (auto& c : clients) EXPECT_TRUE(c->Read(2s).has_value());
  EXPECT_EQ(ThreadCount(), baseline + 1 + 2);
  const auto start = std::chrono::steady_clock::now();
  s.server().Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(ThreadCount(), baseline);
  for (auto& c : clients) EXPECT_TRUE(c->WaitClosed(2s));
  s.server().Stop();
  EXPECT_EQ(ThreadCount(), baseline);
}

}  // namespace
}  // namespace phpeek::http::testing
