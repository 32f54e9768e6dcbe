// The log and event routes over real HTTP against the fake host (fake_log_store.h): reads and
// their bad input, follow=1 streams (backlog then live, in order; Last-Event-ID resume without gap
// or duplicate; a backlog larger than the queue sent page by page; lines the follow dropped read
// back from the history; overflow for a client that does not read; heartbeats; the stream cap;
// the end at the daemon's shutdown and at Stop), and the events stream.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "phpeek/json.hpp"
#include "tests/support/http_test_client.h"
#include "tests/support/sse_test_client.h"
#include "tests/support/test_support.h"
#include "tests/unit/rest_api/api_fixture.h"

namespace phpeek::rest::testing {
namespace {

using phpeek::testing::WaitUntil;
using phpeek::testing::http::Reply;
using phpeek::testing::http::Request;
using phpeek::testing::http::SseEvent;
using phpeek::testing::http::SseTestClient;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

control::StreamOptions Streams(size_t queue_bytes = 256 * 1024, int max_streams = 64,
                               std::chrono::milliseconds heartbeat = 15s) {
  control::StreamOptions o;
  o.queue_bytes = queue_bytes;
  o.max_streams = max_streams;
  o.heartbeat = heartbeat;
  return o;
}

std::string Message(const SseEvent& ev) {
  json::Document doc;
  if (!doc.Parse(ev.data)) return "<unreadable: " + ev.data + ">";
  return std::string(doc.root()["message"].AsString().value_or("<none>"));
}

uint64_t Id(const SseEvent& ev) { return std::stoull(ev.id); }

std::string ErrorOf(const Reply& r) {
  json::Document doc;
  if (!doc.Parse(r.body)) return "<not JSON: " + r.body + ">";
  return std::string(doc.root()["error"].AsString().value_or("<none>"));
}

// Expects `events` to be lines `first`..`first + events.size() - 1` of Append("web", ...) calls
// made as "line N", in order: no gap, no duplicate.
void ExpectLines(const std::vector<SseEvent>& events, int first) {
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(Message(events[i]), "line " + std::to_string(first + static_cast<int>(i)))
        << "event " << i << ": " << events[i].data;
  }
}

void AppendLines(FakeLogStore& logs, int from, int to, const std::string& instance = "web-0") {
  for (int i = from; i <= to; ++i) logs.Append("web", instance, "line " + std::to_string(i));
}

TEST(LogRoutes, ReadAnswersTheEntriesOldestFirst) {
  ApiServer s;
  AppendLines(s.backend().logs(), 1, 5);
  s.backend().logs().Append("queue", "queue-0", "other");
  const Reply r = Request(s.port(), "GET", "/api/v1/processes/web/logs?limit=3");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.at("Content-Type"), "application/json");
  json::Document doc;
  ASSERT_TRUE(doc.Parse(r.body));
  EXPECT_TRUE(doc.root()["schema"].missing());
  EXPECT_EQ(doc.root()["entries"].size(), 3u);
  EXPECT_EQ(doc.root()["entries"][0]["message"].AsString().value_or(""), "line 3");
  EXPECT_EQ(doc.root()["entries"][2]["message"].AsString().value_or(""), "line 5");
  EXPECT_TRUE(doc.root()["more"].AsBool().value_or(false));
  EXPECT_EQ(doc.root()["newest_seq"].AsInt64().value_or(0), 6);
  const Reply all = Request(s.port(), "GET", "/api/v1/logs?since=4");
  ASSERT_EQ(all.status, 200);
  ASSERT_TRUE(doc.Parse(all.body));
  EXPECT_EQ(doc.root()["entries"].size(), 2u);
  EXPECT_EQ(doc.root()["entries"][1]["process"].AsString().value_or(""), "queue");
}

TEST(LogRoutes, BadInputGetsAClearErrorAndDisturbsNothing) {
  ApiServer s;
  s.backend().logs().AddInstance("web", "web-1");
  AppendLines(s.backend().logs(), 1, 3);
  struct Case {
    std::string target;
    int status;
    std::string error;
    std::string detail_part;
  };
  const Case cases[] = {
      {"/api/v1/logs?limit=-1", 400, "bad request", "limit must be a whole number from 1 to 10000"},
      {"/api/v1/logs?limit=abc", 400, "bad request", "limit"},
      {"/api/v1/logs?limit=0", 400, "bad request", "limit"},
      {"/api/v1/logs?limit=10001", 400, "bad request", "limit"},
      {"/api/v1/logs?limit=99999999999999999999999", 400, "bad request", "limit"},
      {"/api/v1/logs?since=x", 400, "bad request", "since"},
      {"/api/v1/logs?since=4", 400, "bad request", "above the newest seq 3"},
      {"/api/v1/logs?since=4&follow=1", 400, "bad request", "above the newest seq 3"},
      {"/api/v1/logs?follow=maybe", 400, "bad request", "follow"},
      {"/api/v1/logs?instance=web-0", 400, "bad request", "instance needs its process"},
      {"/api/v1/processes/nope/logs", 404, "process not found", "no process 'nope'"},
      {"/api/v1/processes/nope/logs?follow=1", 404, "process not found", "nope"},
      {"/api/v1/processes/nope/logs?instance=nope-0", 404, "process not found", "nope"},
      {"/api/v1/processes/web/logs?instance=web-7", 404, "instance not found", "web-7"},
      {"/api/v1/processes/web/logs?instance=web-7&follow=1", 404, "instance not found", "web-7"},
      {"/api/v1/processes/web/logs?instance=a%20b", 400, "bad request", "instance"},
      {"/api/v1/events?limit=1001", 400, "bad request", "limit"},
      {"/api/v1/events?since=-3", 400, "bad request", "since"},
  };
  for (const Case& c : cases) {
    const Reply r = Request(s.port(), "GET", c.target);
    EXPECT_EQ(r.status, c.status) << c.target << ": " << r.body;
    EXPECT_EQ(r.headers.at("Content-Type"), "application/json") << c.target;
    EXPECT_EQ(ErrorOf(r), c.error) << c.target << ": " << r.body;
    EXPECT_NE(r.body.find(c.detail_part), std::string::npos) << c.target << ": " << r.body;
  }
  const Reply bad_id =
      Request(s.port(), "GET", "/api/v1/logs?follow=1", "", {{"Last-Event-ID", "12ab"}});
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_NE(bad_id.body.find("Last-Event-ID"), std::string::npos) << bad_id.body;
  // A 1 MB Last-Event-ID never reaches the route: the header limit answers 431, in JSON.
  SseTestClient huge(s.port(), "/api/v1/logs?follow=1",
                     {{"Last-Event-ID", std::string(1 << 20, '7')}});
  EXPECT_EQ(huge.status(), 431);
  EXPECT_EQ(huge.Header("Content-Type"), "application/json");
  EXPECT_NE(huge.Body().find("\"error\":\"request header fields too large\""), std::string::npos);
  // Nothing else disturbed: no stream left open, and the routes still answer.
  EXPECT_TRUE(WaitUntil([&] { return s.hub().open_streams() == 0; }));
  EXPECT_EQ(s.backend().logs().follows(), 0u);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/web/logs").status, 200);
  SseTestClient ok(s.port(), "/api/v1/processes/web/logs?follow=1");
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(ok.Take(3, 5s).size(), 3u);
}

TEST(LogRoutes, FollowSendsTheBacklogThenLiveLinesInOrder) {
  ApiServer s;
  FakeLogStore& logs = s.backend().logs();
  AppendLines(logs, 1, 10);
  logs.Append("queue", "queue-0", "not for web");
  SseTestClient c(s.port(), "/api/v1/processes/web/logs?follow=1&limit=4");
  ASSERT_EQ(c.status(), 200);
  EXPECT_EQ(c.Header("Content-Type"), "text/event-stream");
  EXPECT_EQ(c.Header("Cache-Control"), "no-store");
  EXPECT_EQ(c.Header("Content-Length"), "");
  const std::vector<SseEvent> backlog = c.Take(4, 5s);
  ASSERT_EQ(backlog.size(), 4u);
  ExpectLines(backlog, 7);
  EXPECT_EQ(backlog[0].id, "7");
  std::thread writer([&] {
    AppendLines(logs, 11, 1000);
    logs.Append("queue", "queue-0", "not for web either");
  });
  const std::vector<SseEvent> live = c.Take(990, 20s);
  writer.join();
  ASSERT_EQ(live.size(), 990u);
  ExpectLines(live, 11);
  EXPECT_FALSE(c.Next(200ms).has_value());  // the other process's line is not here
}

TEST(LogRoutes, InstanceFilterAndEveryProcessStream) {
  ApiServer s;
  FakeLogStore& logs = s.backend().logs();
  logs.Append("web", "web-0", "zero");
  logs.Append("web", "web-1", "one");
  SseTestClient one(s.port(), "/api/v1/processes/web/logs?follow=1&instance=web-1");
  SseTestClient all(s.port(), "/api/v1/logs?follow=1");
  ASSERT_EQ(one.status(), 200);
  ASSERT_EQ(all.status(), 200);
  logs.Append("web", "web-0", "zero again");
  logs.Append("queue", "queue-0", "queue line");
  logs.Append("web", "web-1", "one again");
  const auto ones = one.Take(2, 5s);
  ASSERT_EQ(ones.size(), 2u);
  EXPECT_EQ(Message(ones[0]), "one");
  EXPECT_EQ(Message(ones[1]), "one again");
  const auto alls = all.Take(5, 5s);
  ASSERT_EQ(alls.size(), 5u);
  for (size_t i = 0; i < alls.size(); ++i) EXPECT_EQ(alls[i].id, std::to_string(i + 1));
}

// kubectl logs -f after a dropped connection: the client sends the last id it saw and gets every
// line after it exactly once, those written while it was away included.
TEST(LogRoutes, LastEventIdResumesWithoutGapOrDuplicate) {
  ApiServer s;
  FakeLogStore& logs = s.backend().logs();
  AppendLines(logs, 1, 50);
  std::string last_id;
  {
    SseTestClient c(s.port(), "/api/v1/processes/web/logs?follow=1&limit=50");
    const auto first = c.Take(30, 5s);
    ASSERT_EQ(first.size(), 30u);
    ExpectLines(first, 1);
    last_id = first.back().id;
  }
  std::thread writer([&] { AppendLines(logs, 51, 300); });
  SseTestClient again(s.port(), "/api/v1/processes/web/logs?follow=1&since=5",
                      {{"Last-Event-ID", last_id}});  // the header wins over since
  ASSERT_EQ(again.status(), 200);
  const auto rest = again.Take(270, 20s);
  writer.join();
  ASSERT_EQ(rest.size(), 270u);
  ExpectLines(rest, 31);
  EXPECT_FALSE(again.Next(200ms).has_value());
}

TEST(LogRoutes, LastEventIdOfAnEarlierDaemonStartsOver) {
  ApiServer s;
  AppendLines(s.backend().logs(), 1, 5);
  SseTestClient c(s.port(), "/api/v1/processes/web/logs?follow=1&limit=2",
                  {{"Last-Event-ID", "900"}});
  ASSERT_EQ(c.status(), 200);
  const auto events = c.Take(2, 5s);
  ASSERT_EQ(events.size(), 2u);
  ExpectLines(events, 4);
}

// A backlog larger than the stream's queue goes out page by page as the client reads: no
// overflow for a client that reads, then the live lines.
TEST(LogRoutes, ABacklogLargerThanTheQueueIsSentAsTheClientReads) {
  ApiServer s(std::nullopt, {}, Streams(8 * 1024));
  FakeLogStore& logs = s.backend().logs();
  AppendLines(logs, 1, 900);
  SseTestClient c(s.port(), "/api/v1/processes/web/logs?follow=1&since=0",
                  {{"Last-Event-ID", "100"}});
  ASSERT_EQ(c.status(), 200);
  const auto backlog = c.Take(800, 20s);
  ASSERT_EQ(backlog.size(), 800u);
  ExpectLines(backlog, 101);
  AppendLines(logs, 901, 950);
  const auto live = c.Take(50, 10s);
  ASSERT_EQ(live.size(), 50u);
  ExpectLines(live, 901);
  for (const auto& ev : live) EXPECT_EQ(ev.event, "");
}

// Lines the host's follow dropped (the hub fell behind): a live client is told (`event: overflow`
// with the count) rather than missing them silently, and resuming with Last-Event-ID reads them
// back from the history: every line once, in order.
TEST(LogRoutes, LinesTheFollowDroppedEndInOverflowAndAResumeReadsThemBack) {
  ApiServer s;
  FakeLogStore& logs = s.backend().logs();
  logs.SetFollowQueueCap(5);
  logs.Append("web", "web-0", "line 1");
  std::vector<SseEvent> seen;
  {
    SseTestClient c(s.port(), "/api/v1/processes/web/logs?follow=1");
    ASSERT_EQ(c.Take(1, 5s).size(), 1u);
    logs.HoldNext(true);  // the hub falls behind: the follow keeps 5 lines, drops the rest
    AppendLines(logs, 2, 600);
    logs.HoldNext(false);
    while (auto ev = c.Next(5s)) {
      if (ev->event == "overflow") {
        EXPECT_GT(std::stoull(ev->data), 0u);
        break;
      }
      seen.push_back(*ev);
    }
    EXPECT_TRUE(c.WaitEnded(5s));
  }
  ExpectLines(seen, 2);
  const int next = 2 + static_cast<int>(seen.size());
  SseTestClient again(s.port(), "/api/v1/processes/web/logs?follow=1",
                      {{"Last-Event-ID", seen.empty() ? "1" : seen.back().id}});
  const auto rest = again.Take(static_cast<size_t>(601 - next), 20s);
  ASSERT_EQ(rest.size(), static_cast<size_t>(601 - next));
  ExpectLines(rest, next);
}

// A client that does not read: its queue fills, it gets `event: overflow` with the number of
// lines it lost, and the stream ends (it would resume with Last-Event-ID).
TEST(LogRoutes, AClientTooSlowGetsOverflowThenTheEnd) {
  ApiServer s(std::nullopt, {}, Streams(16 * 1024));
  FakeLogStore& logs = s.backend().logs();
  logs.AddInstance("web", "web-0");
  SseTestClient c(s.port(), "/api/v1/processes/web/logs?follow=1", {}, 4096);
  ASSERT_EQ(c.status(), 200);
  // Lines until the stream ends on its own (the server's buffers and the 16 KiB queue full).
  const std::string padding(200, 'p');
  int written = 0;
  EXPECT_TRUE(WaitUntil(
      [&] {
        for (int i = 0; i < 500; ++i)
          logs.Append("web", "web-0", padding + std::to_string(++written));
        return s.hub().open_streams() == 0;
      },
      30s));
  std::vector<SseEvent> events;
  while (auto ev = c.Next(5s)) events.push_back(*ev);
  EXPECT_TRUE(c.ended());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event, "overflow");
  const uint64_t lost = std::stoull(events.back().data);
  EXPECT_GT(lost, 0u);
  // Every line before the overflow arrived in order, none twice.
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    ASSERT_EQ(events[i].event, "");
    ASSERT_EQ(Id(events[i]), i + 1);
  }
}

TEST(LogRoutes, IdleStreamsGetHeartbeats) {
  ApiServer s(std::nullopt, {}, Streams(256 * 1024, 64, 100ms));
  s.backend().logs().AddInstance("web", "web-0");
  SseTestClient logs(s.port(), "/api/v1/processes/web/logs?follow=1");
  SseTestClient events(s.port(), "/api/v1/events");
  EXPECT_FALSE(logs.Next(450ms).has_value());
  EXPECT_FALSE(events.Next(50ms).has_value());
  EXPECT_GE(logs.comments(), 2);
  EXPECT_GE(events.comments(), 2);
  EXPECT_NE(logs.raw().find(": heartbeat\n\n"), std::string::npos);
}

TEST(StreamLimits, PastTheCapA503ThenRoomAgainOnceOneCloses) {
  ApiServer s(std::nullopt, {}, Streams(256 * 1024, 2));
  s.backend().logs().AddInstance("web", "web-0");
  auto a = std::make_unique<SseTestClient>(s.port(), "/api/v1/events");
  SseTestClient b(s.port(), "/api/v1/processes/web/logs?follow=1");
  ASSERT_EQ(a->status(), 200);
  ASSERT_EQ(b.status(), 200);
  for (const char* target : {"/api/v1/events", "/api/v1/logs?follow=1"}) {
    SseTestClient c(s.port(), target);
    EXPECT_EQ(c.status(), 503) << target;
    EXPECT_EQ(c.Header("Content-Type"), "application/json");
    EXPECT_EQ(c.Header("Retry-After"), "1");
    const std::string body = c.Body();
    EXPECT_NE(body.find("\"error\":\"too many streams\""), std::string::npos) << body;
    EXPECT_NE(body.find("api_max_streams"), std::string::npos) << body;
  }
  // Plain requests are not streams.
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/web/logs").status, 200);
  a.reset();
  EXPECT_TRUE(WaitUntil([&] {
    SseTestClient c(s.port(), "/api/v1/events");
    return c.status() == 200;
  }));
}

TEST(StreamLimits, HeadOpensNoStream) {
  ApiServer s;
  s.backend().logs().AddInstance("web", "web-0");
  const Reply r = Request(s.port(), "HEAD", "/api/v1/processes/web/logs?follow=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("Content-Type"), "text/event-stream");
  EXPECT_EQ(s.hub().open_streams(), 0);
}

TEST(StreamLimits, StreamsNeedTheTokenLikeEveryRoute) {
  ApiServer s("s3cret");
  SseTestClient none(s.port(), "/api/v1/events");
  EXPECT_EQ(none.status(), 401);
  SseTestClient with(s.port(), "/api/v1/events", {{"Authorization", "Bearer s3cret"}});
  EXPECT_EQ(with.status(), 200);
}

// The daemon's shutdown closes the follow: every log stream gets `event: end` and ends; new ones
// answer 503.
TEST(StreamEnd, TheDaemonsShutdownEndsLogStreamsWithAnEndEvent) {
  ApiServer s;
  AppendLines(s.backend().logs(), 1, 1);
  SseTestClient c(s.port(), "/api/v1/processes/web/logs?follow=1");
  ASSERT_EQ(c.Take(1, 5s).size(), 1u);
  s.backend().logs().Shutdown();
  const auto end = c.Next(5s);
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->event, "end");
  EXPECT_TRUE(c.WaitEnded(5s));
  SseTestClient late(s.port(), "/api/v1/processes/web/logs?follow=1");
  EXPECT_EQ(late.status(), 503);
}

// Stop ends every stream at once: no wait for a heartbeat (15 s here) or for a client.
TEST(StreamEnd, StopEndsEveryStreamPromptly) {
  auto s = std::make_unique<ApiServer>();
  AppendLines(s->backend().logs(), 1, 3);
  std::vector<std::unique_ptr<SseTestClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(
        std::make_unique<SseTestClient>(s->port(), "/api/v1/processes/web/logs?follow=1"));
    clients.push_back(std::make_unique<SseTestClient>(s->port(), "/api/v1/events"));
  }
  for (auto& c : clients) ASSERT_EQ(c->status(), 200);
  EXPECT_TRUE(WaitUntil([&] { return s->hub().open_streams() == 8; }));
  const auto start = Clock::now();
  s.reset();
  EXPECT_LT(Clock::now() - start, 2s);
  for (auto& c : clients) EXPECT_TRUE(c->WaitEnded(5s));
}

// After SHUTTING_DOWN, Stop ends the streams with `event: end` (the client does not reconnect).
TEST(StreamEnd, AtTheDaemonsShutdownStopSendsEnd) {
  auto s = std::make_unique<ApiServer>();
  SseTestClient c(s->port(), "/api/v1/events");
  ASSERT_EQ(c.status(), 200);
  EXPECT_TRUE(WaitUntil([&] { return s->hub().open_streams() == 1; }));
  phpeek_event ev{};
  ev.struct_size = sizeof(ev);
  ev.type = PHPEEK_EVENT_SHUTTING_DOWN;
  ev.seq = 7;
  ev.process = "";
  ev.instance = "";
  ev.detail_json = R"({"schema":1})";
  s->hub().Publish(ev);
  s.reset();
  const auto events = c.Take(3, 5s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "7");
  EXPECT_NE(events[0].data.find("\"type\":\"shutting_down\""), std::string::npos);
  EXPECT_EQ(events[1].event, "end");
  EXPECT_TRUE(c.ended());
}

phpeek_event Exited(uint64_t seq, const char* instance) {
  phpeek_event ev{};
  ev.struct_size = sizeof(ev);
  ev.type = PHPEEK_EVENT_EXITED;
  ev.seq = seq;
  ev.unix_ms = 1796569445123;
  ev.process = "web";
  ev.instance = instance;
  ev.pid = 100 + static_cast<int>(seq);
  ev.signal = 9;
  ev.exit_code = -1;
  ev.detail_json = R"({"schema":1,"exit_code":-1,"signal":9})";
  return ev;
}

TEST(EventRoute, EventsAsTheyComeThenResumeAfterLastEventId) {
  ApiServer s;
  for (uint64_t seq = 1; seq <= 3; ++seq) s.hub().Publish(Exited(seq, "web-0"));
  SseTestClient fresh(s.port(), "/api/v1/events");
  SseTestClient backlog(s.port(), "/api/v1/events?limit=2");
  ASSERT_EQ(fresh.status(), 200);
  EXPECT_EQ(fresh.Header("Content-Type"), "text/event-stream");
  EXPECT_TRUE(WaitUntil([&] { return s.hub().open_streams() == 2; }));
  for (uint64_t seq = 4; seq <= 6; ++seq) s.hub().Publish(Exited(seq, "web-1"));
  const auto live = fresh.Take(3, 5s);
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].id, "4");
  EXPECT_EQ(live[2].id, "6");
  const auto from_backlog = backlog.Take(5, 5s);
  ASSERT_EQ(from_backlog.size(), 5u);
  EXPECT_EQ(from_backlog[0].id, "2");
  json::Document doc;
  ASSERT_TRUE(doc.Parse(live[0].data));
  EXPECT_EQ(doc.root()["type"].AsString().value_or(""), "exited");
  EXPECT_EQ(doc.root()["instance"].AsString().value_or(""), "web-1");
  EXPECT_EQ(doc.root()["signal"].AsInt64().value_or(0), 9);
  // A reconnect after id 4 gets 5 and 6, then what comes next; an id above the newest (an
  // earlier daemon's) starts fresh.
  SseTestClient resumed(s.port(), "/api/v1/events", {{"Last-Event-ID", "4"}});
  SseTestClient foreign(s.port(), "/api/v1/events?since=2", {{"Last-Event-ID", "9000"}});
  EXPECT_TRUE(WaitUntil([&] { return s.hub().open_streams() == 4; }));
  s.hub().Publish(Exited(7, "web-0"));
  const auto after = resumed.Take(3, 5s);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].id, "5");
  EXPECT_EQ(after[2].id, "7");
  const auto fresh_again = foreign.Take(1, 5s);
  ASSERT_EQ(fresh_again.size(), 1u);
  EXPECT_EQ(fresh_again[0].id, "7");
}

}  // namespace
}  // namespace phpeek::rest::testing
