// The tcp and http probes against real sockets on 127.0.0.1, driven by a real loop.
#include "core/health/socket_probe.h"

#include <gtest/gtest.h>

#include <optional>

#include "tests/support/canned_server.h"
#include "tests/support/test_support.h"

namespace phpeek::health {
namespace {

using testing::CannedServer;

class SocketProbeTest : public ::testing::Test {
 protected:
  SocketProbeTest() {
    std::string err;
    EXPECT_TRUE(loop_.Init(&err)) << err;
  }

  // One attempt; the loop turns until it reports (or 5 s pass).
  std::optional<ProbeResult> Run(SocketProbe& probe) {
    std::optional<ProbeResult> result;
    probe.Start([&](ProbeResult r) { result = std::move(r); });
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!result && Clock::now() < deadline) loop_.RunOnce(false);
    return result;
  }
  SocketProbe Tcp(int port) {
    return SocketProbe(loop_, resolver_, {"127.0.0.1", port, "", ""}, 0, "");
  }
  SocketProbe Http(int port, int expected = 200, const std::string& path = "/health") {
    return SocketProbe(loop_, resolver_,
                       {"127.0.0.1", port, path, "127.0.0.1:" + std::to_string(port)}, expected,
                       "");
  }

  supervisor::Loop loop_;
  Resolver resolver_{loop_};
};

TEST_F(SocketProbeTest, TcpPassesWhenTheConnectionIsAccepted) {
  CannedServer server(CannedServer::Mode::kCloseAtOnce);
  SocketProbe probe = Tcp(server.port());
  const auto r = Run(probe);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->passed) << r->detail;
  EXPECT_EQ(loop_.watched(), 0u);  // nothing left open
}

TEST_F(SocketProbeTest, TcpFailsWithTheReasonWhenRefused) {
  SocketProbe probe = Tcp(testing::FreePort());
  const auto r = Run(probe);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->detail, "connect: Connection refused");
}

TEST_F(SocketProbeTest, HttpSendsAGetAndComparesTheExactStatus) {
  CannedServer ok(CannedServer::Mode::kAnswer, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  SocketProbe probe = Http(ok.port(), 200, "/health?x=1");
  auto r = Run(probe);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->passed) << r->detail;
  const std::string request = ok.last_request();
  EXPECT_EQ(request.rfind("GET /health?x=1 HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("\r\nHost: 127.0.0.1:" + std::to_string(ok.port()) + "\r\n"),
            std::string::npos)
      << request;
  CannedServer redirect(CannedServer::Mode::kAnswer, "HTTP/1.1 302 Found\r\nLocation: /\r\n\r\n");
  SocketProbe probe2 = Http(redirect.port());
  r = Run(probe2);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->passed);  // redirects are not followed
  EXPECT_EQ(r->detail, "status 302, expected 200");
  SocketProbe probe3 = Http(redirect.port(), 302);
  r = Run(probe3);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->passed) << r->detail;
}

TEST_F(SocketProbeTest, HttpFailsOnWhatIsNotAnHttpAnswer) {
  CannedServer garbage(CannedServer::Mode::kAnswer, "SSH-2.0-OpenSSH_9.2\r\n");
  SocketProbe probe = Http(garbage.port());
  auto r = Run(probe);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->detail, "the answer is not an HTTP/1.x response");
  CannedServer closing(CannedServer::Mode::kAnswer, "");
  SocketProbe probe2 = Http(closing.port());
  r = Run(probe2);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->detail, "connection closed without a response");
}

// A server that never answers: the probe waits (never blocking the loop) until it is cancelled,
// which is what the checker's timeout does; the socket is then closed.
TEST_F(SocketProbeTest, ASilentServerHoldsTheProbeUntilCancelled) {
  CannedServer silent(CannedServer::Mode::kSilent);
  SocketProbe probe = Http(silent.port());
  bool reported = false;
  probe.Start([&](ProbeResult) { reported = true; });
  ASSERT_TRUE(testing::WaitUntil([&] {
    loop_.RunOnce(false);
    return !silent.last_request().empty();
  }));
  for (int i = 0; i < 20; ++i) loop_.RunOnce(false);
  EXPECT_FALSE(reported);
  EXPECT_EQ(loop_.watched(), 1u);
  probe.Cancel();
  EXPECT_EQ(loop_.watched(), 0u);
  EXPECT_FALSE(reported);
}

TEST_F(SocketProbeTest, AnAddressThatDidNotParseFailsEveryAttemptWithItsReason) {
  SocketProbe probe(loop_, resolver_, {}, 0, "'h:{instance_index}' is not host:port");
  const auto r = Run(probe);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->detail, "'h:{instance_index}' is not host:port");
}

TEST_F(SocketProbeTest, NamesAreResolvedOffTheLoop) {
  CannedServer server(CannedServer::Mode::kCloseAtOnce);
  SocketProbe probe(loop_, resolver_, {"localhost", server.port(), "", ""}, 0, "");
  const auto r = Run(probe);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->passed) << r->detail;
  SocketProbe unknown(loop_, resolver_, {"no-such-host.invalid", 80, "", ""}, 0, "");
  const auto u = Run(unknown);
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->passed);
  EXPECT_EQ(u->detail.rfind("cannot resolve 'no-such-host.invalid': ", 0), 0u) << u->detail;
}

}  // namespace
}  // namespace phpeek::health
