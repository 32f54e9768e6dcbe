// GET /api/v1/events on the real binary with real HTTP (raw sockets: the SSE framing is what is
// tested): a kill -9's exit and the restart, heartbeats with a short api_stream_heartbeat, the
// api_max_streams cap, a SIGTERM with open streams that ends them at once with `event: end`, and
// `phpeek-pm events`. Also run with the plugin in a helper process (isolated.*).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "Poco/JSON/Object.h"
#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/sse_test_client.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::BinaryPath;
using phpeek::testing::WaitUntil;
using phpeek::testing::http::SseEvent;
using phpeek::testing::http::SseTestClient;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const char kWeb[] = "  web:\n    command: [\"sleep\", \"600\"]\n    restart: always\n";

// Events until one whose data contains every piece of `parts` (nullopt when the stream ended or
// `timeout` passed first).
std::optional<SseEvent> WaitForEvent(SseTestClient* c, const std::vector<std::string>& parts,
                                     std::chrono::milliseconds timeout = 10s) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto ev =
        c->Next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!ev) return std::nullopt;
    bool all = true;
    for (const auto& p : parts) all = all && ev->data.find(p) != std::string::npos;
    if (all) return ev;
  }
  return std::nullopt;
}

TEST(ApiEvents, AKill9ShowsItsExitAndTheRestart) {
  ApiDaemon d("", kWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return RunningPids(d.Process("web")).size() == 1; }));
  const int pid = RunningPids(d.Process("web"))[0];
  SseTestClient c(d.port(), "/api/v1/events");
  ASSERT_EQ(c.status(), 200) << d.daemon().Log();
  EXPECT_EQ(c.Header("Content-Type"), "text/event-stream");
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const auto exited = WaitForEvent(&c, {"\"type\":\"exited\"", "\"instance\":\"web-0\"",
                                        "\"pid\":" + std::to_string(pid), "\"signal\":9"});
  ASSERT_TRUE(exited.has_value()) << c.raw() << d.daemon().Log();
  const auto spawned = WaitForEvent(&c, {"\"type\":\"spawned\"", "\"instance\":\"web-0\""});
  ASSERT_TRUE(spawned.has_value()) << c.raw();
  EXPECT_GT(std::stoull(spawned->id), std::stoull(exited->id));
  const auto running =
      WaitForEvent(&c, {"\"type\":\"state_changed\"", "\"new_state\":\"running\""});
  ASSERT_TRUE(running.has_value()) << c.raw();
  // A client that reconnects after the exit gets what followed it, from the API's ring.
  SseTestClient resumed(d.port(), "/api/v1/events", {{"Last-Event-ID", exited->id}});
  const auto next = resumed.Next(5s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(std::stoull(next->id), std::stoull(exited->id) + 1) << resumed.raw();
}

TEST(ApiEvents, HeartbeatsAtTheConfiguredInterval) {
  ApiDaemon d("  api_stream_heartbeat: 200ms\n", kWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  SseTestClient c(d.port(), "/api/v1/events");
  ASSERT_EQ(c.status(), 200);
  EXPECT_TRUE(WaitUntil(
      [&] {
        c.Next(100ms);
        return c.comments() >= 3;
      },
      10s))
      << c.raw();
  EXPECT_NE(c.raw().find(": heartbeat\n\n"), std::string::npos);
}

TEST(ApiEvents, PastApiMaxStreamsA503) {
  ApiDaemon d("  api_max_streams: 2\n", kWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  SseTestClient a(d.port(), "/api/v1/events");
  SseTestClient b(d.port(), "/api/v1/events");
  ASSERT_EQ(a.status(), 200);
  ASSERT_EQ(b.status(), 200);
  SseTestClient c(d.port(), "/api/v1/events");
  EXPECT_EQ(c.status(), 503);
  EXPECT_EQ(c.Header("Content-Type"), "application/json");
  const std::string body = c.Body();
  EXPECT_NE(body.find("\"error\":\"too many streams\""), std::string::npos) << body;
  // The rest of the API is served meanwhile.
  EXPECT_EQ(d.Call("GET", "/api/v1/processes").status, 200);
}

TEST(ApiEvents, BadInputIsAClearError) {
  ApiDaemon d("", kWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  for (const char* target : {"/api/v1/events?limit=-1", "/api/v1/events?limit=abc",
                             "/api/v1/events?limit=1001", "/api/v1/events?since=x"}) {
    const auto r = d.Call("GET", target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_NE(r.body.find("\"error\":\"bad request\""), std::string::npos) << r.body;
  }
  SseTestClient bad_id(d.port(), "/api/v1/events", {{"Last-Event-ID", "twelve"}});
  EXPECT_EQ(bad_id.status(), 400);
  EXPECT_NE(bad_id.Body().find("Last-Event-ID"), std::string::npos);
  SseTestClient huge(d.port(), "/api/v1/events", {{"Last-Event-ID", std::string(1 << 20, '1')}});
  EXPECT_EQ(huge.status(), 431);
  EXPECT_NE(huge.Body().find("\"error\":\"request header fields too large\""), std::string::npos);
  EXPECT_EQ(d.Call("GET", "/api/v1/processes").status, 200);
}

// SIGTERM with streams open: the daemon stops its processes (the streams show it), then the
// streams end with `event: end` at once: no wait for a heartbeat (15 s by default) or a client.
TEST(ApiEvents, SigtermWithOpenStreamsEndsThemAtOnce) {
  ApiDaemon d("", kWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  std::vector<std::unique_ptr<SseTestClient>> clients;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<SseTestClient>(d.port(), "/api/v1/events"));
    ASSERT_EQ(clients.back()->status(), 200);
  }
  // A client that reads nothing at all does not hold the shutdown either.
  SseTestClient stuck(d.port(), "/api/v1/events", {}, 4096);
  ASSERT_EQ(stuck.status(), 200);
  const auto start = Clock::now();
  d.daemon().Signal(SIGTERM);
  const auto code = d.daemon().WaitExit(20s);
  ASSERT_TRUE(code.has_value()) << d.daemon().Log();
  EXPECT_EQ(*code, 0) << d.daemon().Log();
  EXPECT_LT(Clock::now() - start, 5s) << d.daemon().Log();
  for (auto& c : clients) {
    ASSERT_TRUE(WaitForEvent(c.get(), {"\"type\":\"shutting_down\""}, 5s).has_value()) << c->raw();
    std::optional<SseEvent> last;
    while (auto ev = c->Next(5s)) last = ev;
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->event, "end") << c->raw();
    EXPECT_TRUE(c->ended());
  }
}

TEST(ApiEvents, TheEventsCommandPrintsThemUntilTheDaemonStops) {
  ApiDaemon d("", kWeb);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return RunningPids(d.Process("web")).size() == 1; }));
  const int pid = RunningPids(d.Process("web"))[0];
  // -n: the kept events first; once the spawn of `pid` is printed, the stream is open.
  phpeek::testing::Daemon cli(
      {"events", "-n", "100", "--url", "http://127.0.0.1:" + std::to_string(d.port())});
  ASSERT_TRUE(cli.WaitForLog("web-0 spawned (pid " + std::to_string(pid) + ")")) << cli.Log();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  EXPECT_TRUE(cli.WaitForLog("web-0 exited: signal 9")) << cli.Log();
  EXPECT_TRUE(cli.WaitForLog("web-0 spawned (pid ")) << cli.Log();
  d.daemon().Signal(SIGTERM);
  EXPECT_TRUE(cli.WaitForLog("daemon shutting down")) << cli.Log();
  EXPECT_EQ(cli.WaitExit(10s), 0) << cli.Log();
}

}  // namespace
}  // namespace phpeek::rest::itest
