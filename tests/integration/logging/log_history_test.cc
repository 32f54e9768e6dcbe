// The process-log history on the real binary, read through the plugin ABI's log services by the
// log-probe fixture plugin (tests/abi-compat/fixtures/log_probe_plugin.cc), in the daemon and in
// a plugin-host helper (isolation: process):
//  - a crash's last lines are readable after the restart, with their seq, instance, stream and
//    level;
//  - a follow sees every later line after its backlog, with no gap and no duplicate;
//  - a burst bigger than the follow's queue is reported as dropped;
//  - refusals (unknown names, limits, since beyond the newest) have their code and message;
//  - a log_next waiting for lines does not hold up the plugin's other calls, and log_unfollow
//    ends it at once;
//  - the follows of a helper that dies end with it (no follower left behind);
//  - a scaled-down instance's lines stay readable, a job's runs and a process hook's output are
//    kept, a reload applies new limits, and the metrics show the history.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "phpeek/json.hpp"
#include "tests/support/fixture_plugin.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

using Clock = std::chrono::steady_clock;

// One answer of the probe: "CODE ID TEXT".
struct Answer {
  int code = -1;
  uint64_t id = 0;
  std::string text;
};

// One connection to the probe: one request, one answer line.
class ProbeConnection {
 public:
  explicit ProbeConnection(int port) : conn_(port) {}
  bool connected() const { return conn_.connected(); }
  void Send(const std::string& request) { conn_.Send(request + "\n"); }
  // The answer to what was sent, within `timeout` (code -1 when none came).
  Answer Receive(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    while (pending_.find('\n') == std::string::npos) {
      const std::string more = conn_.ReadUntil("\n", timeout);
      if (more.empty()) return {};
      pending_ += more;
    }
    const size_t eol = pending_.find('\n');
    std::istringstream in(pending_.substr(0, eol));
    pending_.erase(0, eol + 1);
    Answer a;
    in >> a.code >> a.id;
    in.get();
    std::getline(in, a.text);
    return a;
  }
  Answer Ask(const std::string& request) {
    Send(request);
    return Receive();
  }

 private:
  http::RawConnection conn_;
  std::string pending_;
};

// A log entry as the services write it.
struct LogEntry {
  int64_t seq = 0;
  std::string time, process, instance, stream, level, message;
  std::string fields;  // the JSON text of "fields"
};

struct Page {
  std::vector<LogEntry> entries;
  bool more = false;
  int64_t newest_seq = -1;
  int64_t dropped = -1;
  bool closed = false;
};

Page ParsePage(const std::string& text) {
  json::Document doc;
  std::string err;
  EXPECT_TRUE(doc.Parse(text, &err)) << err << ": " << text;
  const json::Value root = doc.root();
  Page page;
  const json::Value entries = root["entries"];
  for (size_t i = 0; i < entries.size(); ++i) {
    const json::Value e = entries[i];
    LogEntry entry;
    entry.seq = e["seq"].AsInt64().value_or(-1);
    entry.time = std::string(e["time"].AsString().value_or(""));
    entry.process = std::string(e["process"].AsString().value_or(""));
    entry.instance = std::string(e["instance"].AsString().value_or(""));
    entry.stream = std::string(e["stream"].AsString().value_or(""));
    entry.level = std::string(e["level"].AsString().value_or(""));
    entry.message = std::string(e["message"].AsString().value_or(""));
    entry.fields = std::string(e["fields"].text());
    page.entries.push_back(std::move(entry));
  }
  page.more = root["more"].AsBool().value_or(false);
  page.newest_seq = root["newest_seq"].AsInt64().value_or(-1);
  page.dropped = root["dropped"].AsInt64().value_or(-1);
  page.closed = root["closed"].AsBool().value_or(false);
  return page;
}

const LogEntry* Find(const Page& page, const std::string& message) {
  for (const LogEntry& e : page.entries) {
    if (e.message == message) return &e;
  }
  return nullptr;
}

class LogHistoryTest : public ::testing::TestWithParam<bool> {
 protected:
  bool isolated() const { return GetParam(); }

  // `processes` is the YAML under `processes:`; `global` more keys of `global:`.
  std::string Config(const std::string& processes, const std::string& global = "") {
    std::string c =
        "global:\n  api_enabled: false\n  log_format: text\n  shutdown_timeout: 5s\n"
        "  restart_backoff_initial: 100ms\n  plugins: [\"" +
        FixturePlugin("log-probe") + "\"]\n  log_probe_port_file: " + dir_.Join("port") + "\n" +
        global;
    if (isolated()) c += "  plugin_isolation:\n    log-probe: process\n";
    return c + "processes:\n" + processes;
  }
  // A process running `script` (written to a file: no quoting on the way).
  std::string Process(const std::string& name, const std::string& script,
                      const std::string& more = "") {
    const std::string file = dir_.Write(name + ".sh", script);
    return "  " + name + ":\n    command: [\"sh\", \"" + file + "\"]\n" + more;
  }
  void Start(const std::string& config) {
    config_path_ = dir_.Write("pm.yaml", config);
    daemon_ = std::make_unique<Daemon>(std::vector<std::string>{"-c", config_path_});
    ASSERT_TRUE(daemon_->WaitForLog("plugin started plugin=log-probe")) << daemon_->Log();
    Connect();
  }
  // (Re)connects to the probe whose port is in the port file.
  void Connect() {
    ASSERT_TRUE(WaitUntil([&] {
      const std::string port = ReadFile(dir_.Join("port"));
      if (port.empty()) return false;
      probe_ = std::make_unique<ProbeConnection>(std::stoi(port));
      return probe_->connected() && probe_->Ask("status").code == 0;
    })) << daemon_->Log();
  }
  void TearDown() override {
    if (!daemon_) return;
    probe_.reset();
    daemon_->Signal(SIGTERM);
    EXPECT_EQ(daemon_->WaitExit(), 0) << daemon_->Log();
  }
  int Port() const { return std::stoi(ReadFile(dir_.Join("port"))); }

  Page Read(const std::string& request) {
    const Answer a = probe_->Ask(request);
    EXPECT_EQ(a.code, 0) << request << ": " << a.text;
    return ParsePage(a.text);
  }
  // Reads `request` until a page has an entry with `message`.
  Page ReadUntil(const std::string& request, const std::string& message) {
    Page page;
    EXPECT_TRUE(WaitUntil([&] {
      page = Read(request);
      return Find(page, message) != nullptr;
    })) << "no '"
        << message << "' in " << request << "\n"
        << daemon_->Log();
    return page;
  }
  int64_t Followers() {
    const Answer a = probe_->Ask("status");
    json::Document doc;
    if (a.code != 0 || !doc.Parse(a.text)) return -1;
    return doc.root()["log_history"]["followers"].AsInt64().value_or(-1);
  }

  TempDir dir_;
  std::string config_path_;
  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<ProbeConnection> probe_;
};

TEST_P(LogHistoryTest, ACrashsLastLinesAreReadableAfterTheRestart) {
  const std::string ran = dir_.Join("ran");
  Start(Config(Process("crasher", "if [ -e " + ran +
                                      " ]; then echo 'second run'; exec sleep 60; fi\n"
                                      "touch " +
                                      ran +
                                      "\necho 'before crash 1'\necho 'before crash 2'\n"
                                      "echo 'PHP Fatal error:  Uncaught Exception: boom' >&2\n"
                                      "exit 3\n")));
  const Page page = ReadUntil("read crasher crasher-0 0 0", "second run");
  ASSERT_TRUE(daemon_->LogContains("restart scheduled")) << daemon_->Log();
  const LogEntry* one = Find(page, "before crash 1");
  const LogEntry* two = Find(page, "before crash 2");
  const LogEntry* fatal = Find(page, "PHP Fatal error:  Uncaught Exception: boom");
  const LogEntry* again = Find(page, "second run");
  ASSERT_TRUE(one && two && fatal && again) << daemon_->Log();
  for (const LogEntry* e : {one, two, fatal, again}) {
    EXPECT_EQ(e->process, "crasher");
    EXPECT_EQ(e->instance, "crasher-0");
    EXPECT_EQ(e->time.size(), 24u) << e->time;  // 2026-12-06T15:04:05.123Z
    EXPECT_EQ(e->time.back(), 'Z');
  }
  EXPECT_EQ(one->stream, "stdout");
  EXPECT_EQ(one->level, "info");
  EXPECT_EQ(fatal->stream, "stderr");
  EXPECT_EQ(fatal->level, "error");
  EXPECT_LT(one->seq, two->seq);
  EXPECT_LT(two->seq, again->seq);
  EXPECT_LT(fatal->seq, again->seq);
  for (size_t i = 1; i < page.entries.size(); ++i) {
    EXPECT_LT(page.entries[i - 1].seq, page.entries[i].seq);  // oldest first
  }
  EXPECT_EQ(page.newest_seq, page.entries.back().seq);
  EXPECT_FALSE(page.more);
  // The newest two, with `more`; everything after the first line.
  const Page tail = Read("read crasher - 0 2");
  ASSERT_EQ(tail.entries.size(), 2u);
  EXPECT_TRUE(tail.more);
  EXPECT_EQ(tail.entries[1].message, "second run");
  const Page after = Read("read - - " + std::to_string(one->seq) + " 100");
  EXPECT_EQ(after.entries.size(), page.entries.size() - 1);
}

TEST_P(LogHistoryTest, AFollowSeesEveryLaterLineWithoutGapOrDuplicate) {
  Start(Config(Process("ticker",
                       "i=1\nwhile [ $i -le 300 ]; do echo \"tick $i\"; i=$((i+1)); "
                       "sleep 0.005; done\nexec sleep 60\n")));
  // Every line so far (the newest alone would have to be "tick 20" at the moment of a read).
  ReadUntil("read ticker - 0 10000", "tick 20");
  const Answer follow = probe_->Ask("follow ticker - 0 10 0");
  ASSERT_EQ(follow.code, 0) << follow.text;
  ASSERT_NE(follow.id, 0u);
  std::vector<LogEntry> seen = ParsePage(follow.text).entries;
  ASSERT_EQ(seen.size(), 10u);
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (seen.back().message != "tick 300" && Clock::now() < deadline) {
    const Answer next = probe_->Ask("next " + std::to_string(follow.id) + " 2000");
    ASSERT_EQ(next.code, 0) << next.text;
    const Page batch = ParsePage(next.text);
    EXPECT_EQ(batch.dropped, 0);
    seen.insert(seen.end(), batch.entries.begin(), batch.entries.end());
  }
  ASSERT_EQ(seen.back().message, "tick 300");
  const int first = std::stoi(seen.front().message.substr(5));
  ASSERT_EQ(seen.size(), static_cast<size_t>(300 - first + 1));
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].message, "tick " + std::to_string(first + static_cast<int>(i)));
    if (i > 0) {
      EXPECT_EQ(seen[i].seq, seen[i - 1].seq + 1);  // the only writer: one seq each
    }
  }
  EXPECT_EQ(probe_->Ask("unfollow " + std::to_string(follow.id)).code, 0);
}

TEST_P(LogHistoryTest, ABurstBiggerThanTheQueueIsReportedAsDropped) {
  const std::string go = dir_.Join("go");
  Start(Config(Process("burst", "while [ ! -e " + go + " ]; do sleep 0.02; done\n" +
                                    "seq -f 'burst %g' 1 1000\nexec sleep 60\n")));
  const Answer follow = probe_->Ask("follow burst - 0 0 10");
  ASSERT_EQ(follow.code, 0) << follow.text;
  EXPECT_TRUE(ParsePage(follow.text).entries.empty());
  dir_.Write("go", "");
  ReadUntil("read burst - 0 1", "burst 1000");
  const std::string next = "next " + std::to_string(follow.id) + " ";
  Page batch = ParsePage(probe_->Ask(next + "0").text);
  ASSERT_EQ(batch.entries.size(), 10u);
  EXPECT_EQ(batch.entries.front().message, "burst 1");
  EXPECT_EQ(batch.entries.back().message, "burst 10");
  EXPECT_EQ(batch.dropped, 990);
  EXPECT_FALSE(batch.closed);
  batch = ParsePage(probe_->Ask(next + "0").text);
  EXPECT_TRUE(batch.entries.empty());
  EXPECT_EQ(batch.dropped, 0);  // counted once
  // The history itself kept its last 1000 lines: a reader that missed them can page.
  EXPECT_EQ(Read("read burst burst-0 0 10000").entries.size(), 1000u);
}

TEST_P(LogHistoryTest, RefusalsHaveTheirCodeAndMessage) {
  Start(Config(Process("web", "echo hello\nexec sleep 60\n")));
  const Page page = ReadUntil("read web - 0 0", "hello");
  const int64_t newest = page.newest_seq;
  Answer a = probe_->Ask("read db - 0 0");
  EXPECT_EQ(a.code, 2);  // E_NOT_FOUND
  EXPECT_EQ(a.text, "no process named 'db'");
  a = probe_->Ask("read web web-9 0 0");
  EXPECT_EQ(a.code, 2);
  EXPECT_EQ(a.text, "no instance 'web-9' of process 'web'");
  a = probe_->Ask("read - web-9 0 0");
  EXPECT_EQ(a.code, 2);
  EXPECT_EQ(a.text, "no instance named 'web-9'");
  a = probe_->Ask("read web - 0 10001");
  EXPECT_EQ(a.code, 1);  // E_INVALID_ARGUMENT
  EXPECT_EQ(a.text, "limit 10001 is above 10000");
  a = probe_->Ask("read web - " + std::to_string(newest + 1) + " 0");
  EXPECT_EQ(a.code, 1);
  EXPECT_EQ(a.text, "since " + std::to_string(newest + 1) + " is above the newest seq " +
                        std::to_string(newest));
  a = probe_->Ask("follow web - 0 0 100001");
  EXPECT_EQ(a.code, 1);
  EXPECT_EQ(a.text, "queue_lines 100001 is above 100000");
  a = probe_->Ask("follow nope - 0 0 0");
  EXPECT_EQ(a.code, 2);
  a = probe_->Ask("next 987654321 0");
  EXPECT_EQ(a.code, 2);
  EXPECT_EQ(a.text, "no log follow 987654321");
  a = probe_->Ask("unfollow 987654321");
  EXPECT_EQ(a.code, 2);
  EXPECT_EQ(Followers(), 0);
  // Nothing else was disturbed.
  EXPECT_EQ(Read("read web web-0 0 0").entries.size(), 1u);
}

// One connection waits in log_next; another's calls are answered meanwhile, and its unfollow
// ends the wait at once (closed). Then a line on a new follow ends a wait as soon as it comes.
TEST_P(LogHistoryTest, AWaitingNextHoldsUpNothingElseAndUnfollowEndsIt) {
  const std::string go = dir_.Join("go");
  Start(Config(Process("quiet", "echo ready\nwhile [ ! -e " + go +
                                    " ]; do sleep 0.02; done\necho 'there it is'\n"
                                    "exec sleep 60\n")));
  ReadUntil("read quiet - 0 0", "ready");
  const Answer follow = probe_->Ask("follow quiet - 0 0 0");
  ASSERT_EQ(follow.code, 0);
  ProbeConnection waiter(Port());
  const auto t0 = Clock::now();
  waiter.Send("next " + std::to_string(follow.id) + " 30000");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(probe_->Ask("read quiet - 0 0").code, 0);
    EXPECT_EQ(probe_->Ask("status").code, 0);
  }
  EXPECT_EQ(waiter.Receive(std::chrono::milliseconds(100)).code, -1);  // still waiting
  EXPECT_EQ(probe_->Ask("unfollow " + std::to_string(follow.id)).code, 0);
  const Answer ended = waiter.Receive();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
  ASSERT_EQ(ended.code, 0) << ended.text;
  const Page closed = ParsePage(ended.text);
  EXPECT_TRUE(closed.closed);
  EXPECT_TRUE(closed.entries.empty());
  EXPECT_TRUE(WaitUntil([&] { return Followers() == 0; }));

  const Answer second = probe_->Ask("follow quiet - 0 0 0");
  ASSERT_EQ(second.code, 0);
  waiter.Send("next " + std::to_string(second.id) + " 30000");
  const auto t1 = Clock::now();
  dir_.Write("go", "");
  const Answer line = waiter.Receive();
  EXPECT_LT(Clock::now() - t1, std::chrono::seconds(10));
  ASSERT_EQ(line.code, 0) << line.text;
  const Page got = ParsePage(line.text);
  ASSERT_EQ(got.entries.size(), 1u) << line.text;
  EXPECT_EQ(got.entries[0].message, "there it is");
  EXPECT_FALSE(got.closed);
}

INSTANTIATE_TEST_SUITE_P(Modes, LogHistoryTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Isolated" : "InProcess"; });

class IsolatedLogHistoryTest : public LogHistoryTest {};

// The helper dies with a follow open (and a log_next waiting on it): the daemon ends the follow,
// no follower is left behind, and the restarted plugin starts afresh.
TEST_P(IsolatedLogHistoryTest, AHelpersFollowsEndWithIt) {
  Start(Config(Process("web", "echo hello\nexec sleep 60\n")));
  ReadUntil("read web - 0 0", "hello");
  const Answer follow = probe_->Ask("follow web - 0 0 0");
  ASSERT_EQ(follow.code, 0);
  ProbeConnection waiter(Port());
  waiter.Send("next " + std::to_string(follow.id) + " 30000");
  EXPECT_EQ(Followers(), 1);
  const std::string port_before = ReadFile(dir_.Join("port"));
  pid_t helper = 0;
  for (pid_t p : ChildrenOf(daemon_->pid())) {
    if (ReadFile("/proc/" + std::to_string(p) + "/cmdline").find("plugin-host") !=
        std::string::npos) {
      helper = p;
    }
  }
  ASSERT_GT(helper, 0);
  ASSERT_EQ(kill(helper, SIGKILL), 0);
  ASSERT_TRUE(daemon_->WaitForLog("plugin restarted plugin=log-probe")) << daemon_->Log();
  ASSERT_TRUE(WaitUntil([&] { return ReadFile(dir_.Join("port")) != port_before; }));
  Connect();
  EXPECT_EQ(Followers(), 0);
  const Answer stale = probe_->Ask("next " + std::to_string(follow.id) + " 0");
  EXPECT_EQ(stale.code, 2);  // the old helper's follow is gone
}

INSTANTIATE_TEST_SUITE_P(Helper, IsolatedLogHistoryTest, ::testing::Values(true),
                         [](const auto&) { return "Isolated"; });

class KeptLinesTest : public LogHistoryTest {};

// What is kept besides instances' lines, and how the history follows the configuration: a
// scaled-down instance stays readable; a scheduled job's runs share one ring (instance = the
// job's name, "run" per line); a process hook's output is in its instance's ring; a reload's
// log_buffer_lines trims at once; the metrics plugin shows the history.
TEST_P(KeptLinesTest, ScaleDownJobsHooksReloadAndMetrics) {
  const int metrics_port = FreePort();
  const std::string processes =
      Process("web", "echo \"hello from $PHPEEK_PM_INSTANCE_ID\"\nexec sleep 60\n",
              "    scale: 2\n    hooks:\n      pre_start:\n        - name: migrate\n"
              "          command: [\"sh\", \"-c\", \"echo migrating $PHPEEK_PM_INSTANCE_ID\"]\n") +
      Process("nightly", "echo 'nightly run'\necho 'second line'\n",
              "    schedule: \"0 2 * * *\"\n");
  const std::string metrics =
      "  metrics_enabled: true\n  metrics_port: " + std::to_string(metrics_port) + "\n";
  Start(Config(processes, metrics));
  ReadUntil("read web web-1 0 0", "hello from web-1");
  const Page web0 = ReadUntil("read web web-0 0 0", "hello from web-0");
  const LogEntry* hook = Find(web0, "migrating web-0");
  ASSERT_NE(hook, nullptr) << daemon_->Log();
  EXPECT_EQ(hook->fields, R"({"hook":"migrate","hook_type":"pre_start"})");
  EXPECT_LT(hook->seq, Find(web0, "hello from web-0")->seq);

  ASSERT_EQ(probe_->Ask("scale web 1").code, 0);
  ASSERT_TRUE(daemon_->WaitForLog("process exited process=web instance=web-1")) << daemon_->Log();
  const Page gone = Read("read web web-1 0 0");  // known while its lines are kept
  ASSERT_NE(Find(gone, "hello from web-1"), nullptr);

  const Answer run = probe_->Ask("trigger nightly");
  ASSERT_EQ(run.code, 0) << run.text;
  const Page job = ReadUntil("read nightly nightly 0 0", "second line");
  const LogEntry* line = Find(job, "nightly run");
  ASSERT_NE(line, nullptr);
  EXPECT_EQ(line->instance, "nightly");
  EXPECT_EQ(line->fields, R"({"run":1})");

  // Metrics: the history's series as daemon_status has them.
  http::Reply scrape = http::Request(metrics_port, "GET", "/metrics");
  ASSERT_EQ(scrape.status, 200);
  EXPECT_NE(scrape.body.find("# TYPE phpeek_pm_log_history_bytes gauge\n"), std::string::npos);
  EXPECT_NE(scrape.body.find("\nphpeek_pm_log_history_instances 3\n"), std::string::npos)
      << scrape.body;  // web-0, web-1 (scaled away, kept), nightly
  EXPECT_NE(scrape.body.find("\nphpeek_pm_log_history_evicted_total 0\n"), std::string::npos);

  // A reload with log_buffer_lines 1: every ring keeps its newest line at once.
  dir_.Write("pm.yaml", Config(processes, metrics + "  log_buffer_lines: 1\n"));
  daemon_->Signal(SIGHUP);
  ASSERT_TRUE(daemon_->WaitForLog("configuration reloaded")) << daemon_->Log();
  EXPECT_TRUE(WaitUntil([&] { return Read("read web web-0 0 0").entries.size() == 1; }));
  const Page trimmed = Read("read nightly - 0 0");
  ASSERT_EQ(trimmed.entries.size(), 1u);
  EXPECT_EQ(trimmed.entries[0].message, "second line");
}

INSTANTIATE_TEST_SUITE_P(InProcess, KeptLinesTest, ::testing::Values(false),
                         [](const auto&) { return "InProcess"; });

}  // namespace
}  // namespace phpeek::testing
