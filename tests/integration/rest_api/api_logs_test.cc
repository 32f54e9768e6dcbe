// The process-log routes on the real binary with real HTTP (raw sockets where the SSE framing
// matters): backlog then live lines in order, Last-Event-ID resume without gap or duplicate, a
// burst bigger than the stream's queue (event: overflow, then the end), a crash's last lines read
// after the restart, bad input, and the `phpeek-pm logs` command, also across a restart of the API
// (an isolated plugin's helper killed). Also run with the plugin in a helper process (isolated.*).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/sse_test_client.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::BinaryPath;
using phpeek::testing::ChildrenOf;
using phpeek::testing::ReadFile;
using phpeek::testing::RunCommand;
using phpeek::testing::WaitUntil;
using phpeek::testing::http::SseEvent;
using phpeek::testing::http::SseTestClient;
using namespace std::chrono_literals;

// "line N" every 10 ms, N from 0, forever.
const char kTicker[] =
    "  ticker:\n    command: [\"sh\", \"-c\", \"i=0; while true; do echo line $i; i=$((i+1)); "
    "sleep 0.01; done\"]\n";

uint64_t NewestSeq(const ApiDaemon& d) {
  const Reply r = d.Call("GET", "/api/v1/logs?limit=1");
  return r.status == 200 ? ParseObject(r.body)->getValue<uint64_t>("newest_seq") : 0;
}

std::string Message(const std::string& entry_json) {
  return ParseObject(entry_json)->getValue<std::string>("message");
}

// The N of "line N" (-1 for anything else).
int LineNumber(const std::string& message) {
  static const std::regex kLine("line ([0-9]+)");
  std::smatch m;
  return std::regex_match(message, m, kLine) ? std::stoi(m[1]) : -1;
}

// The events are consecutive "line N" with consecutive ids: no gap, no duplicate.
void ExpectConsecutive(const std::vector<SseEvent>& events, int first_line = -1) {
  ASSERT_FALSE(events.empty());
  int expected = first_line >= 0 ? first_line : LineNumber(Message(events[0].data));
  uint64_t id = std::stoull(events[0].id);
  for (const SseEvent& ev : events) {
    ASSERT_EQ(ev.event, "") << ev.data;
    ASSERT_EQ(LineNumber(Message(ev.data)), expected) << ev.data;
    ASSERT_EQ(std::stoull(ev.id), id) << ev.data;
    ++expected;
    ++id;
  }
}

TEST(ApiLogs, BacklogThenLiveLinesInOrder) {
  ApiDaemon d("", kTicker);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return NewestSeq(d) >= 20; })) << d.daemon().Log();
  SseTestClient c(d.port(), "/api/v1/processes/ticker/logs?follow=1&limit=10");
  ASSERT_EQ(c.status(), 200) << d.daemon().Log();
  EXPECT_EQ(c.Header("Content-Type"), "text/event-stream");
  const auto events = c.Take(150, 20s);
  ASSERT_EQ(events.size(), 150u) << c.raw();
  ExpectConsecutive(events);
  const auto entry = ParseObject(events[0].data);
  for (const char* key :
       {"seq", "time", "process", "instance", "stream", "level", "message", "fields"}) {
    EXPECT_TRUE(entry->has(key)) << key << ": " << events[0].data;
  }
  EXPECT_EQ(entry->getValue<std::string>("instance"), "ticker-0");
  EXPECT_EQ(entry->getValue<std::string>("stream"), "stdout");
}

TEST(ApiLogs, LastEventIdResumesWithoutGapOrDuplicate) {
  ApiDaemon d("", kTicker);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return NewestSeq(d) >= 5; }));
  std::vector<SseEvent> first;
  {
    SseTestClient c(d.port(), "/api/v1/processes/ticker/logs?follow=1&limit=5");
    first = c.Take(30, 10s);
  }
  ASSERT_EQ(first.size(), 30u);
  const uint64_t last = std::stoull(first.back().id);
  // Lines go on while the client is away; then it comes back with the last id it saw.
  ASSERT_TRUE(WaitUntil([&] { return NewestSeq(d) >= last + 40; }));
  SseTestClient again(d.port(), "/api/v1/processes/ticker/logs?follow=1",
                      {{"Last-Event-ID", first.back().id}});
  ASSERT_EQ(again.status(), 200);
  const auto rest = again.Take(100, 20s);
  ASSERT_EQ(rest.size(), 100u) << again.raw();
  EXPECT_EQ(std::stoull(rest[0].id), last + 1);
  ExpectConsecutive(rest, LineNumber(Message(first.back().data)) + 1);
}

// A client that reads nothing while a process writes 200 000 lines: its queue (16 KiB here)
// fills, it gets `event: overflow` with the number of lines it lost, and the stream ends. What it
// got before is in order.
TEST(ApiLogs, ABurstBiggerThanTheQueueGivesOverflowThenTheEnd) {
  phpeek::testing::TempDir dir;
  const std::string go = dir.Join("go");
  ApiDaemon d("  api_stream_queue: 16KiB\n",
              "  burst:\n    command: [\"sh\", \"-c\", \"while [ ! -e " + go +
                  " ]; do sleep 0.02; done; seq 1 200000; sleep 600\"]\n");
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  SseTestClient c(d.port(), "/api/v1/processes/burst/logs?follow=1", {}, 4096);
  ASSERT_EQ(c.status(), 200) << d.daemon().Log();
  dir.Write("go", "");
  ASSERT_TRUE(WaitUntil([&] { return NewestSeq(d) >= 200000; }, 60s)) << NewestSeq(d);
  std::vector<SseEvent> events;
  while (auto ev = c.Next(10s)) events.push_back(*ev);
  EXPECT_TRUE(c.ended());
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.back().event, "overflow");
  EXPECT_GT(std::stoull(events.back().data), 0u);
  events.pop_back();
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(Message(events[i].data), std::to_string(i + 1)) << events[i].data;
  }
  // The daemon and the API carry on.
  EXPECT_EQ(d.Call("GET", "/api/v1/processes").status, 200);
}

// What people look for after a crash: the last lines of the instance that died, still there after
// it was restarted.
TEST(ApiLogs, ACrashsLastLinesAreReadableAfterTheRestart) {
  ApiDaemon d("",
              "  crashy:\n    command: [\"sh\", \"-c\", \"echo starting; echo 'fatal: out of "
              "cheese' >&2; exit 3\"]\n    restart: always\n");
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  // Lines of two runs, the one that crashed and the next: the history is kept across restarts
  // (the restart itself empties nothing).
  int starts = 0, fatal = 0;
  std::string body;
  ASSERT_TRUE(WaitUntil([&] {
    const Reply r = d.Call("GET", "/api/v1/processes/crashy/logs?instance=crashy-0&limit=100");
    if (r.status != 200) return false;
    body = r.body;
    const auto entries = ParseObject(r.body)->getArray("entries");
    starts = fatal = 0;
    for (size_t i = 0; i < entries->size(); ++i) {
      const auto e = entries->getObject(static_cast<unsigned>(i));
      const std::string message = e->getValue<std::string>("message");
      starts += message == "starting" ? 1 : 0;
      if (message == "fatal: out of cheese") {
        ++fatal;
        EXPECT_EQ(e->getValue<std::string>("stream"), "stderr");
      }
    }
    return starts >= 2 && fatal >= 2;
  })) << body;
  const auto p = d.Process("crashy");
  ASSERT_TRUE(p);
  EXPECT_GE(p->getArray("instances")->getObject(0)->getValue<int>("restart_count"), 1);
}

TEST(ApiLogs, BadInputGetsAClearErrorAndDisturbsNothing) {
  ApiDaemon d("", kTicker);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return NewestSeq(d) >= 1; }));
  const std::string beyond = std::to_string(NewestSeq(d) + 1000000);
  const struct {
    std::string target;
    int status;
    std::string error;
  } cases[] = {
      {"/api/v1/logs?limit=-1", 400, "bad request"},
      {"/api/v1/logs?limit=abc", 400, "bad request"},
      {"/api/v1/processes/ticker/logs?limit=-1&follow=1", 400, "bad request"},
      {"/api/v1/logs?since=" + beyond, 400, "bad request"},
      {"/api/v1/processes/ticker/logs?since=" + beyond + "&follow=1", 400, "bad request"},
      {"/api/v1/processes/nope/logs", 404, "process not found"},
      {"/api/v1/processes/nope/logs?follow=1", 404, "process not found"},
      {"/api/v1/processes/ticker/logs?instance=ticker-9", 404, "instance not found"},
      {"/api/v1/processes/ticker/logs?instance=ticker-9&follow=1", 404, "instance not found"},
  };
  for (const auto& c : cases) {
    const Reply r = d.Call("GET", c.target);
    EXPECT_EQ(r.status, c.status) << c.target << ": " << r.body;
    EXPECT_EQ(r.headers.at("Content-Type"), "application/json") << c.target;
    EXPECT_NE(r.body.find("\"error\":\"" + c.error + "\""), std::string::npos)
        << c.target << ": " << r.body;
    EXPECT_NE(r.body.find("\"detail\":"), std::string::npos) << c.target << ": " << r.body;
  }
  SseTestClient huge(d.port(), "/api/v1/processes/ticker/logs?follow=1",
                     {{"Last-Event-ID", std::string(1 << 20, '9')}});
  EXPECT_EQ(huge.status(), 431);
  EXPECT_NE(huge.Body().find("\"error\":\"request header fields too large\""), std::string::npos);
  SseTestClient bad_id(d.port(), "/api/v1/logs?follow=1", {{"Last-Event-ID", "9x"}});
  EXPECT_EQ(bad_id.status(), 400);
  // Nothing else disturbed: the ticker runs, the API answers, a stream works.
  EXPECT_EQ(RunningPids(d.Process("ticker")).size(), 1u);
  SseTestClient ok(d.port(), "/api/v1/logs?follow=1&limit=3");
  ASSERT_EQ(ok.status(), 200);
  EXPECT_EQ(ok.Take(10, 10s).size(), 10u);
}

TEST(LogsCli, PrintsTheLastLinesAsTextOrJson) {
  ApiDaemon d("", kTicker);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return NewestSeq(d) >= 20; }));
  const std::string url = "http://127.0.0.1:" + std::to_string(d.port());
  auto r = RunCommand({BinaryPath(), "logs", "ticker", "-n", "5", "--url", url});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  static const std::regex kText(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ticker-0 INFO  line (\d+))");
  std::vector<int> numbers;
  size_t start = 0;
  for (size_t end; (end = r.out.find('\n', start)) != std::string::npos; start = end + 1) {
    std::smatch m;
    const std::string line = r.out.substr(start, end - start);
    ASSERT_TRUE(std::regex_match(line, m, kText)) << line;
    numbers.push_back(std::stoi(m[1]));
  }
  ASSERT_EQ(numbers.size(), 5u) << r.out;
  for (size_t i = 1; i < numbers.size(); ++i)
    EXPECT_EQ(numbers[i], numbers[0] + static_cast<int>(i));
  r = RunCommand({BinaryPath(), "logs", "-n", "3", "--json", "--url", url});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  EXPECT_EQ(ParseObject(r.out.substr(0, r.out.find('\n')))->getValue<std::string>("process"),
            "ticker");
  r = RunCommand({BinaryPath(), "logs", "nope", "--url", url});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such process 'nope'"), std::string::npos) << r.err;
}

// logs -f while the API restarts (the rest-api plugin's helper is killed and comes back, on the
// same Unix socket): the command reconnects with Last-Event-ID and prints every line once, in
// order; it ends with the daemon.
TEST(LogsCli, FollowGoesOnAcrossARestartOfTheApi) {
  phpeek::testing::TempDir dir;
  const std::string socket = dir.Join("api.sock");
  const std::string isolation =
      IsolationLines().empty() ? "  plugin_isolation:\n    rest-api: process\n" : "";
  ApiDaemon d(isolation + "  api_socket: " + socket + "\n", kTicker);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return NewestSeq(d) >= 5; }));
  phpeek::testing::Daemon cli({"logs", "ticker", "-f", "-n", "1", "--url", "unix:" + socket});
  ASSERT_TRUE(WaitUntil([&] { return cli.LogContains(" line "); })) << cli.Log();
  pid_t helper = 0;
  for (pid_t p : ChildrenOf(d.daemon().pid())) {
    if (ReadFile("/proc/" + std::to_string(p) + "/cmdline").find("plugin-host") !=
        std::string::npos) {
      helper = p;
    }
  }
  ASSERT_GT(helper, 0) << d.daemon().Log();
  ASSERT_EQ(::kill(helper, SIGKILL), 0);
  ASSERT_TRUE(d.daemon().WaitForLog("plugin restarted plugin=rest-api", 20s)) << d.daemon().Log();
  ASSERT_TRUE(cli.WaitForLog("reconnected", 20s)) << cli.Log();
  // 100 more lines after the reconnect, then the daemon's end ends the command.
  const auto seen = [&] {
    const std::string log = cli.Log();
    return std::count(log.begin(), log.end(), '\n');
  };
  const auto at_reconnect = seen();
  ASSERT_TRUE(WaitUntil([&] { return seen() >= at_reconnect + 100; }, 20s)) << cli.Log();
  d.daemon().Signal(SIGTERM);
  EXPECT_EQ(cli.WaitExit(20s), 0) << cli.Log();
  std::vector<int> numbers;
  const std::string log = cli.Log();
  static const std::regex kLine(R"( ticker-0 INFO  line (\d+)$)");
  size_t start = 0;
  for (size_t end; (end = log.find('\n', start)) != std::string::npos; start = end + 1) {
    std::smatch m;
    const std::string line = log.substr(start, end - start);
    if (std::regex_search(line, m, kLine)) numbers.push_back(std::stoi(m[1]));
  }
  ASSERT_GE(numbers.size(), 100u) << log;
  for (size_t i = 1; i < numbers.size(); ++i) {
    ASSERT_EQ(numbers[i], numbers[i - 1] + 1) << "gap or duplicate at line " << i << "\n" << log;
  }
}

}  // namespace
}  // namespace phpeek::rest::itest
