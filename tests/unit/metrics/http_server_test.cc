#include "plugins/metrics/http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

#include "plugins/metrics/exposition.h"
#include "tests/support/test_support.h"

namespace phpeek::metrics {
namespace {

using phpeek::testing::WaitUntil;

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string allow;
};

Reply Request(int port, const std::string& method, const std::string& path) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  Reply r;
  r.status = resp.getStatus();
  r.content_type = resp.getContentType();
  r.allow = resp.get("Allow", "");
  Poco::StreamCopier::copyToString(in, r.body);
  return r;
}

size_t ThreadCount() {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    (void)e;
    ++n;
  }
  return n;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& path = "/metrics") {
    std::string err;
    ASSERT_TRUE(server_.Start(HttpOptions{"127.0.0.1", 0, path}, &err)) << err;
    port_ = server_.bound_port();
    ASSERT_GT(port_, 0);
  }

  std::atomic<int> scrapes_{0};
  HttpServer server_{[this] {
    ++scrapes_;
    return HttpResponse{200, std::string(kTextContentType), "up 1\n"};
  }};
  int port_ = 0;
};

TEST_F(HttpServerTest, ServesMetricsPathAndHealth) {
  StartServer("/custom/metrics");
  const Reply m = Request(port_, "GET", "/custom/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(m.body, "up 1\n");
  EXPECT_EQ(Request(port_, "GET", "/custom/metrics?name[]=x").body, "up 1\n");
  const Reply h = Request(port_, "GET", "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "{\"status\":\"healthy\"}\n");
  EXPECT_EQ(scrapes_.load(), 2);
}

TEST_F(HttpServerTest, OtherPathsAndMethodsAreRefused) {
  StartServer();
  EXPECT_EQ(Request(port_, "GET", "/").status, 404);
  EXPECT_EQ(Request(port_, "GET", "/metricsx").status, 404);
  const Reply post = Request(port_, "POST", "/metrics");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.allow, "GET, HEAD");
  const Reply head = Request(port_, "HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(scrapes_.load(), 1);  // only the HEAD scraped
}

TEST_F(HttpServerTest, ListeningSocketIsCloseOnExec) {
  StartServer();
  int sockets = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(e.path(), ec).string();
    if (ec || target.rfind("socket:", 0) != 0) continue;
    const int fd = std::stoi(e.path().filename().string());
    ++sockets;
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd << " leaks into children";
  }
  EXPECT_GE(sockets, 1);
}

TEST_F(HttpServerTest, PortIsNotSharedThroughSoReusePort) {
  StartServer();
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_NE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
      << "a second listener could share the metrics port";
  ::close(fd);

  HttpServer second([] { return HttpResponse{}; });
  std::string err;
  EXPECT_FALSE(second.Start(HttpOptions{"127.0.0.1", port_, "/metrics"}, &err));
  EXPECT_NE(err.find("127.0.0.1:" + std::to_string(port_)), std::string::npos) << err;
}

TEST_F(HttpServerTest, ThreadsAreBoundedAndAllJoinedByStop) {
  const size_t baseline = ThreadCount();
  StartServer();
  // Ten keep-alive clients at once: the server never runs more than its bounded set of threads.
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(std::make_unique<Poco::Net::HTTPClientSession>(
        "127.0.0.1", static_cast<Poco::UInt16>(port_)));
    Poco::Net::HTTPRequest req("GET", "/health", Poco::Net::HTTPMessage::HTTP_1_1);
    clients.back()->sendRequest(req);
  }
  ASSERT_TRUE(WaitUntil([&] { return ThreadCount() > baseline + 1; }));
  EXPECT_LE(ThreadCount(), baseline + 1 /*acceptor*/ + HttpServer::kMaxThreads);
  server_.Stop();  // with connections still open
  EXPECT_EQ(ThreadCount(), baseline);
  server_.Stop();  // idempotent
}

TEST_F(HttpServerTest, BindErrorNamesTheAddress) {
  HttpServer s([] { return HttpResponse{}; });
  std::string err;
  EXPECT_FALSE(s.Start(HttpOptions{"not-an-address.invalid", 1, "/metrics"}, &err));
  EXPECT_NE(err.find("not-an-address.invalid:1"), std::string::npos) << err;
}

}  // namespace
}  // namespace phpeek::metrics
