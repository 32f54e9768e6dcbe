// The process-log host services (ABI 1.1) as a plugin sees them, through the C function pointers,
// over a real LogHistory: log_read's pages and entries, log_follow's backlog then live lines with
// no gap and no duplicate, a queue that overflows reports `dropped`, log_unfollow wakes a waiting
// log_next, follows end with their plugin, daemon_status's log_history, and every refusal.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/sink.h"
#include "core/process_logs/history.h"
#include "phpeek/json.hpp"
#include "phpeek/plugin.hpp"
#include "phpeek/plugin_abi.h"
#include "tests/support/test_support.h"
#include "tests/unit/plugin_host/fake_control.h"
#include "tests/unit/plugin_host/host_fixture.h"

namespace phpeek::plugin_host {
namespace {

using namespace std::chrono_literals;
using process_logs::Entry;
using process_logs::FieldList;
using process_logs::Level;
using process_logs::LogHistory;
using process_logs::Stream;

// FakeControl whose ProcessLogs is a real history ("web" with web-0 and web-1 in the snapshot).
class LogControl : public testing::FakeControl {
 public:
  process_logs::LogHistory* ProcessLogs() override { return with_history ? &history : nullptr; }
  LogHistory history;
  bool with_history = true;
};

// 2026-12-06T15:04:05.123Z
const process_logs::WallTime kTime =
    process_logs::WallTime{} + std::chrono::milliseconds(1796569445123);

class LogServicesTest : public HostFixture<LogControl> {
 protected:
  LogServicesTest() {
    web0_ = control_.history.Register("web", "web-0");
    web1_ = control_.history.Register("web", "web-1");
  }

  uint64_t Write(LogHistory::Handle h, std::string_view message, Stream stream = Stream::kStdout,
                 Level level = Level::kInfo) {
    Entry e;
    e.time = kTime;
    e.message = message;
    e.stream = stream;
    e.level = level;
    return control_.history.Append(h, e);
  }

  int32_t Read(const char* process, const char* instance, uint64_t since, uint32_t limit) {
    return Call([&](phpeek_sink* o, phpeek_sink* e) {
      return api_->log_read(&ctx_, process, instance, since, limit, o, e);
    });
  }
  int32_t Follow(const char* process, const char* instance, uint64_t since, uint32_t limit,
                 uint32_t queue, uint64_t* id) {
    return Call([&](phpeek_sink* o, phpeek_sink* e) {
      return api_->log_follow(&ctx_, process, instance, since, limit, queue, id, o, e);
    });
  }
  int32_t Next(uint64_t id, uint32_t timeout_ms) {
    return Call([&](phpeek_sink* o, phpeek_sink* e) {
      return api_->log_next(&ctx_, id, timeout_ms, o, e);
    });
  }

  // The messages of out_'s entries, comma-separated, and its other members.
  struct Parsed {
    std::string messages;
    std::string seqs;
    bool more = false;
    int64_t newest_seq = -1;
    int64_t dropped = -1;
    bool closed = false;
  };
  Parsed Parse() const {
    json::Document doc;
    std::string err;
    EXPECT_TRUE(doc.Parse(out_, &err)) << err << out_;
    Parsed p;
    const json::Value root = doc.root();
    EXPECT_EQ(root["schema"].AsInt64().value_or(0), 1) << out_;
    const json::Value entries = root["entries"];
    for (size_t i = 0; i < entries.size(); ++i) {
      p.messages += i ? "," : "";
      p.messages += entries[i]["message"].AsString().value_or("?");
      p.seqs += i ? "," : "";
      p.seqs += std::to_string(entries[i]["seq"].AsInt64().value_or(-1));
    }
    p.more = root["more"].AsBool().value_or(false);
    p.newest_seq = root["newest_seq"].AsInt64().value_or(-1);
    p.dropped = root["dropped"].AsInt64().value_or(-1);
    p.closed = root["closed"].AsBool().value_or(false);
    return p;
  }

  LogHistory::Handle web0_ = 0, web1_ = 0;
};

TEST_F(LogServicesTest, TheTableHasTheLogServices) {
  ASSERT_TRUE(PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api_, log_unfollow));
  EXPECT_NE(api_->log_read, nullptr);
  EXPECT_NE(api_->log_follow, nullptr);
  EXPECT_NE(api_->log_next, nullptr);
  EXPECT_NE(api_->log_unfollow, nullptr);
}

// One entry in full: seq, time (UTC, ms), process, instance, stream, level, message, then the
// line's own fields (JSON values raw) and the labels.
TEST_F(LogServicesTest, AnEntryHasEveryMember) {
  auto labels = std::make_shared<const FieldList>(FieldList{{"tier", "backend", false}});
  FieldList own = {{"user_id", "42", true}, {"ctx", "a \"b\"", false}};
  Entry e;
  e.time = kTime;
  e.stream = Stream::kStderr;
  e.level = Level::kError;
  e.message = "PHP Fatal error: boom";
  e.fields = &own;
  e.labels = labels;
  control_.history.Append(web1_, e);
  ASSERT_EQ(Read("web", "web-1", 0, 0), PHPEEK_OK) << err_;
  EXPECT_EQ(out_, R"({"schema":1,"entries":[{"seq":1,"time":"2026-12-06T15:04:05.123Z",)"
                  R"("process":"web","instance":"web-1","stream":"stderr","level":"error",)"
                  R"("message":"PHP Fatal error: boom","fields":{"user_id":42,"ctx":"a \"b\"",)"
                  R"("tier":"backend"}}],"more":false,"newest_seq":1})");
}

TEST_F(LogServicesTest, ReadPagesByProcessInstanceSinceAndLimit) {
  Write(web0_, "a");
  Write(web1_, "b");
  Write(web0_, "c");
  const auto worker = control_.history.Register("worker", "worker-0");
  Write(worker, "d");
  ASSERT_EQ(Read(nullptr, nullptr, 0, 0), PHPEEK_OK) << err_;
  Parsed p = Parse();
  EXPECT_EQ(p.messages, "a,b,c,d");
  EXPECT_FALSE(p.more);
  EXPECT_EQ(p.newest_seq, 4);
  ASSERT_EQ(Read("web", "", 0, 2), PHPEEK_OK);  // the newest 2, oldest first
  p = Parse();
  EXPECT_EQ(p.messages, "b,c");
  EXPECT_TRUE(p.more);
  ASSERT_EQ(Read("", "web-0", 0, 0), PHPEEK_OK);
  EXPECT_EQ(Parse().messages, "a,c");
  ASSERT_EQ(Read("web", nullptr, 1, 1), PHPEEK_OK);  // the oldest 1 after seq 1
  p = Parse();
  EXPECT_EQ(p.messages, "b");
  EXPECT_TRUE(p.more);
  ASSERT_EQ(Read(nullptr, nullptr, 4, 0), PHPEEK_OK);  // since the newest: nothing, fine
  p = Parse();
  EXPECT_EQ(p.messages, "");
  EXPECT_EQ(p.newest_seq, 4);
  // Without a limit: the newest 100.
  for (int i = 0; i < 150; ++i) Write(web1_, "n" + std::to_string(i));
  ASSERT_EQ(Read("web", "web-1", 0, 0), PHPEEK_OK);
  p = Parse();
  EXPECT_TRUE(p.more);
  EXPECT_EQ(p.messages.substr(0, 4), "n50,");
}

TEST_F(LogServicesTest, RefusalsSayWhy) {
  Write(web0_, "a");
  EXPECT_EQ(Read(nullptr, nullptr, 0, 10001), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(err_, "limit 10001 is above 10000");
  EXPECT_EQ(Read(nullptr, nullptr, 0, 10000), PHPEEK_OK);
  EXPECT_EQ(Read("web", nullptr, 2, 0), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(err_, "since 2 is above the newest seq 1");
  EXPECT_EQ(Read("db", nullptr, 0, 0), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(err_, "no process named 'db'");
  EXPECT_EQ(Read("web", "web-7", 0, 0), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(err_, "no instance 'web-7' of process 'web'");
  EXPECT_EQ(Read(nullptr, "web-7", 0, 0), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(err_, "no instance named 'web-7'");
  const auto worker = control_.history.Register("worker", "worker-0");
  Write(worker, "w");
  EXPECT_EQ(Read("web", "worker-0", 0, 0), PHPEEK_E_NOT_FOUND);  // not web's
  EXPECT_TRUE(out_.empty());
  EXPECT_EQ(api_->log_read(nullptr, nullptr, nullptr, 0, 0, nullptr, nullptr),
            PHPEEK_E_INVALID_ARGUMENT);
  control_.with_history = false;
  EXPECT_EQ(Read(nullptr, nullptr, 0, 0), PHPEEK_E_UNSUPPORTED);
}

// Known without lines: an instance of the snapshot that has not written yet. Known without the
// configuration: a process whose lines are still kept (removed by a reload).
TEST_F(LogServicesTest, NamesKnownToTheSnapshotOrToTheHistory) {
  ProcessStatus web = testing::WebProcess();
  InstanceStatus quiet;
  quiet.id = "web-2";
  web.instances.push_back(quiet);
  control_.SetProcesses({web});
  ASSERT_EQ(Read("web", "web-2", 0, 0), PHPEEK_OK) << err_;
  EXPECT_EQ(Parse().messages, "");
  ASSERT_EQ(Read(nullptr, "web-2", 0, 0), PHPEEK_OK) << err_;
  const auto gone = control_.history.Register("old", "old-0");
  Write(gone, "before the reload");
  control_.history.Retire("old-0");
  ASSERT_EQ(Read("old", nullptr, 0, 0), PHPEEK_OK) << err_;
  EXPECT_EQ(Parse().messages, "before the reload");
  ASSERT_EQ(Read("old", "old-0", 0, 0), PHPEEK_OK) << err_;
}

TEST_F(LogServicesTest, FollowHandsOverTheBacklogWithoutGapOrDuplicate) {
  Write(web0_, "1");
  Write(web1_, "2");
  Write(web0_, "3");
  uint64_t id = 0;
  ASSERT_EQ(Follow("web", "web-0", 0, 0, 0, &id), PHPEEK_OK) << err_;
  EXPECT_NE(id, 0u);
  Parsed p = Parse();
  EXPECT_EQ(p.messages, "1,3");
  EXPECT_EQ(p.newest_seq, 3);
  Write(web0_, "4");
  Write(web1_, "not followed");
  Write(web0_, "6");
  ASSERT_EQ(Next(id, 0), PHPEEK_OK) << err_;
  p = Parse();
  EXPECT_EQ(p.seqs, "4,6");
  EXPECT_EQ(p.dropped, 0);
  EXPECT_FALSE(p.closed);
  // Nothing new: an empty batch once the time is up.
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Next(id, 50), PHPEEK_OK);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 45ms);
  EXPECT_EQ(Parse().messages, "");
  // A waiting log_next returns as soon as a line comes.
  std::thread writer([&] {
    std::this_thread::sleep_for(20ms);
    Write(web0_, "7");
  });
  ASSERT_EQ(Next(id, 60000), PHPEEK_OK);
  writer.join();
  EXPECT_EQ(Parse().messages, "7");
  // Resumed after a seq (a reconnecting reader): the backlog starts after it.
  uint64_t resumed = 0;
  ASSERT_EQ(Follow(nullptr, nullptr, 3, 0, 0, &resumed), PHPEEK_OK);
  EXPECT_EQ(Parse().seqs, "4,5,6,7");
  EXPECT_NE(resumed, id);
}

TEST_F(LogServicesTest, AQueueSmallerThanABurstReportsDropped) {
  uint64_t id = 0;
  ASSERT_EQ(Follow("web", nullptr, 0, 0, 10, &id), PHPEEK_OK) << err_;
  for (int i = 0; i < 25; ++i) Write(web0_, std::to_string(i));
  ASSERT_EQ(Next(id, 0), PHPEEK_OK);
  Parsed p = Parse();
  EXPECT_EQ(p.messages, "0,1,2,3,4,5,6,7,8,9");  // the newer lines went
  EXPECT_EQ(p.dropped, 15);
  Write(web0_, "after");
  ASSERT_EQ(Next(id, 0), PHPEEK_OK);
  p = Parse();
  EXPECT_EQ(p.messages, "after");
  EXPECT_EQ(p.dropped, 0);  // counted once
}

TEST_F(LogServicesTest, UnfollowWakesAWaitingNextAndForgetsTheId) {
  uint64_t id = 0;
  ASSERT_EQ(Follow(nullptr, nullptr, 0, 0, 0, &id), PHPEEK_OK);
  EXPECT_EQ(control_.history.stats().followers, 1u);
  std::string waited;
  int32_t code = -1;
  std::atomic<bool> entered{false};
  std::thread waiter([&] {
    phpeek_sink out = StringSink(&waited);
    entered = true;
    code = api_->log_next(&ctx_, id, 60000, &out, nullptr);
  });
  ASSERT_TRUE(phpeek::testing::WaitUntil([&] { return entered.load(); }));
  EXPECT_EQ(api_->log_unfollow(&ctx_, id), PHPEEK_OK);
  waiter.join();  // at once, not after a minute
  // Usually the waiter is inside log_next by now and is woken with "closed"; on a busy machine
  // the unfollow may come first, and then log_next finds no such follow. Either way at once.
  if (code == PHPEEK_OK) {
    EXPECT_EQ(waited, R"({"schema":1,"entries":[],"dropped":0,"closed":true})");
  } else {
    EXPECT_EQ(code, PHPEEK_E_NOT_FOUND);
  }
  EXPECT_EQ(control_.history.stats().followers, 0u);
  EXPECT_EQ(api_->log_unfollow(&ctx_, id), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(Next(id, 0), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(err_, "no log follow " + std::to_string(id));
}

// The plugin goes (destroyed, or its helper ended): its follows end, a waiting log_next returns
// closed, and the history counts no follower any more. Another plugin cannot use its ids.
TEST_F(LogServicesTest, FollowsEndWithTheirPluginAndAreItsOwn) {
  uint64_t a = 0, b = 0;
  ASSERT_EQ(Follow(nullptr, nullptr, 0, 0, 0, &a), PHPEEK_OK);
  ASSERT_EQ(Follow("web", nullptr, 0, 0, 0, &b), PHPEEK_OK);
  EXPECT_EQ(control_.history.stats().followers, 2u);
  phpeek_host other;
  other.control = &control_;
  EXPECT_EQ(api_->log_next(&other, a, 0, nullptr, nullptr), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(api_->log_unfollow(&other, a), PHPEEK_E_NOT_FOUND);
  auto follower = ctx_.log_follows.Find(a);
  ctx_.log_follows.CloseAll();
  EXPECT_EQ(control_.history.stats().followers, 0u);
  EXPECT_TRUE(follower->Wait(60s).closed);
  EXPECT_EQ(Next(b, 0), PHPEEK_E_NOT_FOUND);
}

TEST_F(LogServicesTest, FollowRefusals) {
  Write(web0_, "a");
  uint64_t id = 0;
  EXPECT_EQ(Follow(nullptr, nullptr, 0, 0, 100001, &id), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(err_, "queue_lines 100001 is above 100000");
  EXPECT_EQ(Follow(nullptr, nullptr, 5, 0, 0, &id), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(err_, "since 5 is above the newest seq 1");
  EXPECT_EQ(Follow("nope", nullptr, 0, 0, 0, &id), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(Follow(nullptr, nullptr, 0, 20000, 0, &id), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(Follow(nullptr, nullptr, 0, 0, 0, nullptr), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(id, 0u);
  EXPECT_EQ(control_.history.stats().followers, 0u);  // none left behind by a refusal
  stopping_ = true;
  EXPECT_EQ(Follow(nullptr, nullptr, 0, 0, 0, &id), PHPEEK_E_STOPPING);
  EXPECT_EQ(Read(nullptr, nullptr, 0, 0), PHPEEK_OK);  // reading goes on
}

// The end of the run closes every follow after what it has queued.
TEST_F(LogServicesTest, TheEndOfTheRunClosesFollows) {
  uint64_t id = 0;
  ASSERT_EQ(Follow(nullptr, nullptr, 0, 0, 0, &id), PHPEEK_OK);
  Write(web1_, "last words");
  control_.history.CloseFollowers();
  ASSERT_EQ(Next(id, 60000), PHPEEK_OK);
  const Parsed p = Parse();
  EXPECT_EQ(p.messages, "last words");
  EXPECT_TRUE(p.closed);
}

struct NextProbe {
  const phpeek_host_api_v1* api;
  phpeek_host* host;
  uint64_t id;
  std::atomic<int32_t> waiting{-1};
  std::atomic<int32_t> polling{-1};
};

void CallNextFromCallback(void* user, const phpeek_event*) {
  auto* p = static_cast<NextProbe*>(user);
  p->polling = p->api->log_next(p->host, p->id, 0, nullptr, nullptr);
  p->waiting = p->api->log_next(p->host, p->id, 1000, nullptr, nullptr);
}

TEST_F(LogServicesTest, AWaitingNextFromAnEventCallbackWouldBlock) {
  uint64_t id = 0;
  ASSERT_EQ(Follow(nullptr, nullptr, 0, 0, 0, &id), PHPEEK_OK);
  NextProbe probe{api_, &ctx_, id};
  uint64_t sub = 0;
  ASSERT_EQ(api_->subscribe(&ctx_, PHPEEK_EVENT_MASK_ALL, CallNextFromCallback, &probe, &sub),
            PHPEEK_OK);
  Event e;
  e.seq = 1;
  events_.Push(ToAbiEvent(e));
  ASSERT_TRUE(testing::WaitUntil([&] { return probe.waiting.load() != -1; }));
  EXPECT_EQ(probe.polling.load(), PHPEEK_OK);
  EXPECT_EQ(probe.waiting.load(), PHPEEK_E_WOULD_BLOCK);
}

TEST_F(LogServicesTest, DaemonStatusHasTheHistory) {
  Write(web0_, std::string(1000, 'x'));
  Write(web1_, "y");
  uint64_t id = 0;
  ASSERT_EQ(Follow(nullptr, nullptr, 0, 0, 0, &id), PHPEEK_OK);
  out_.clear();
  phpeek_sink out = StringSink(&out_);
  ASSERT_EQ(api_->daemon_status(&ctx_, &out, nullptr), PHPEEK_OK);
  json::Document doc;
  std::string err;
  ASSERT_TRUE(doc.Parse(out_, &err)) << err;
  const json::Value h = doc.root()["log_history"];
  const process_logs::HistoryStats s = control_.history.stats();
  EXPECT_EQ(h["bytes"].AsInt64().value_or(-1), static_cast<int64_t>(s.memory_bytes));
  EXPECT_GT(h["bytes"].AsInt64().value_or(-1), 1000);
  EXPECT_EQ(h["lines"].AsInt64().value_or(-1), 2);
  EXPECT_EQ(h["instances"].AsInt64().value_or(-1), 2);
  EXPECT_EQ(h["evicted"].AsInt64().value_or(-1), 0);
  EXPECT_EQ(h["followers"].AsInt64().value_or(-1), 1);
  // A Control without a history: no key (the 1.1 contract's other keys stay).
  control_.with_history = false;
  out_.clear();
  ASSERT_EQ(api_->daemon_status(&ctx_, &out, nullptr), PHPEEK_OK);
  EXPECT_EQ(out_.find("log_history"), std::string::npos) << out_;
}

}  // namespace
}  // namespace phpeek::plugin_host
