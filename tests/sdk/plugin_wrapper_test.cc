// plugin.hpp against the daemon's real host services (config lookups, event dispatcher), with the
// log service swapped for a recorder: typed config getters, Subscription, SafeThread, the log
// services and LogFollow, the names of states and event types, and the descriptor
// PHPEEK_DEFINE_PLUGIN emits.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/plugin_host/abi_codes.h"
#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/plugin_loader.h"
#include "core/process_logs/history.h"
#include "phpeek/plugin.hpp"
#include "tests/support/test_support.h"
#include "tests/unit/plugin_host/fake_control.h"

namespace phpeek::v1 {
namespace {

using phpeek::testing::WaitUntil;
using namespace std::chrono_literals;

std::mutex g_log_mu;
std::vector<std::string> g_log;

void RecordLog(phpeek_host* /*h*/, int32_t level, const char* msg, size_t len) {
  std::lock_guard<std::mutex> lock(g_log_mu);
  g_log.push_back(std::to_string(level) + " " + std::string(msg, len));
}

std::vector<std::string> Logged() {
  std::lock_guard<std::mutex> lock(g_log_mu);
  return g_log;
}

class WrapperTest : public ::testing::Test {
 protected:
  WrapperTest() : events_("probe", 16) {
    api_ = *plugin_host::HostServices();
    api_.log = &RecordLog;
    ctx_.plugin_name = "probe";
    ctx_.global_json = &global_;
    ctx_.events = &events_;
    std::lock_guard<std::mutex> lock(g_log_mu);
    g_log.clear();
  }

  Host host() { return Host(&api_, &ctx_); }

  void Push(uint64_t seq, EventType type = EventType::kExited) {
    Event e;
    e.type = type;
    e.seq = seq;
    e.process = "web";
    e.instance = "web-0";
    events_.Push(plugin_host::ToAbiEvent(e));
  }

  phpeek_host_api_v1 api_;
  plugin_host::GlobalJson global_{
      R"({"port":8080,"neg":-5,"frac":1.5,"huge":99999999999999999999,"name":"x","flag":true,)"
      R"("flag_s":"yes","ms":1500,"dur_s":"1m30s","dur_plain":"30","dur_bad":"5d","size":65536,)"
      R"("size_s":"64KiB","size_bad":"12GB","obj":{"a":1},"list":[1]})"};
  plugin_host::EventDispatcher events_;
  phpeek_host ctx_;
};

TEST_F(WrapperTest, TypedConfigGettersReadTheGlobalBlock) {
  int64_t n = 0;
  ASSERT_TRUE(host().configInt("/port", &n).ok());
  EXPECT_EQ(n, 8080);
  bool b = false;
  ASSERT_TRUE(host().configBool("/flag", &b).ok());
  EXPECT_TRUE(b);
  std::chrono::milliseconds d{0};
  ASSERT_TRUE(host().configDuration("/ms", &d).ok());  // an integer is milliseconds
  EXPECT_EQ(d.count(), 1500);
  ASSERT_TRUE(host().configDuration("/dur_s", &d).ok());
  EXPECT_EQ(d.count(), 90000);
  ASSERT_TRUE(host().configDuration("/dur_plain", &d).ok());  // a plain string: seconds
  EXPECT_EQ(d.count(), 30000);
  ASSERT_TRUE(host().configBytes("/size", &n).ok());
  EXPECT_EQ(n, 65536);
  n = 0;
  ASSERT_TRUE(host().configBytes("/size_s", &n).ok());
  EXPECT_EQ(n, 65536);
  std::string s;
  ASSERT_TRUE(host().configString("/port", &s).ok());  // any scalar, as text
  EXPECT_EQ(s, "8080");
}

TEST_F(WrapperTest, TypedConfigGettersNameTheKeyWhenMissingOrOfAnotherType) {
  int64_t n = 7;
  Status s = host().configInt("/absent", &n);
  EXPECT_EQ(s.code, PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(s.message, "global/absent: '/absent' does not exist");
  EXPECT_EQ(n, 7);  // untouched
  s = host().configInt("/name", &n);
  EXPECT_EQ(s.code, PHPEEK_E_TYPE);
  EXPECT_EQ(s.message, "global/name is \"x\", not an integer");
  EXPECT_EQ(host().configInt("/frac", &n).message, "global/frac is 1.5, not an integer");
  EXPECT_EQ(host().configInt("/huge", &n).message,
            "global/huge is 99999999999999999999, not a 64-bit integer");
  EXPECT_EQ(host().configInt("/obj", &n).message, "global/obj is {\"a\":1}, not an integer");
  EXPECT_EQ(n, 7);
  bool b = false;
  s = host().configBool("/flag_s", &b);
  EXPECT_EQ(s.code, PHPEEK_E_TYPE);
  EXPECT_EQ(s.message, "global/flag_s is \"yes\", not true or false");
  EXPECT_EQ(host().configBool("/nope", &b).code, PHPEEK_E_NOT_FOUND);
  std::chrono::milliseconds d{0};
  s = host().configDuration("/dur_bad", &d);
  EXPECT_EQ(s.code, PHPEEK_E_TYPE);
  EXPECT_EQ(s.message,
            "global/dur_bad is \"5d\", not a duration (milliseconds >= 0, or a string such as "
            "\"5s\"): unknown unit 'd' (use ms, s, m or h)");
  EXPECT_EQ(host().configDuration("/neg", &d).code, PHPEEK_E_TYPE);
  EXPECT_EQ(host().configDuration("/list", &d).code, PHPEEK_E_TYPE);
  EXPECT_EQ(d.count(), 0);
  s = host().configBytes("/size_bad", &n);
  EXPECT_EQ(s.code, PHPEEK_E_TYPE);
  EXPECT_EQ(s.message,
            "global/size_bad is \"12GB\", not a size (bytes >= 0, or a string such as "
            "\"64KiB\"): unknown size unit 'GB' (use bytes, KiB or MiB)");
  EXPECT_EQ(host().configBytes("/neg", &n).code, PHPEEK_E_TYPE);
  EXPECT_EQ(host().configInt("no-slash", &n).code, PHPEEK_E_INVALID_ARGUMENT);
}

TEST(Units, DurationsAndSizesFollowTheConfigurationGrammar) {
  std::chrono::milliseconds d{0};
  std::string err;
  EXPECT_TRUE(ParseDuration("1h2m3s4ms", &d, &err));
  EXPECT_EQ(d.count(), 3723004);
  EXPECT_FALSE(ParseDuration("", &d, &err));
  EXPECT_EQ(err, "empty duration");
  EXPECT_FALSE(ParseDuration("-1s", &d, &err));
  EXPECT_EQ(err, "negative durations are not allowed");
  EXPECT_FALSE(ParseDuration("5s3", &d, &err));
  EXPECT_EQ(err, "missing unit after 3");
  EXPECT_FALSE(ParseDuration("99999999999999999999h", &d, &err));
  EXPECT_EQ(err, "duration is too large");
  EXPECT_FALSE(ParseDuration("s", &d, &err));
  EXPECT_EQ(err, "not a duration");
  int64_t n = 0;
  EXPECT_TRUE(ParseByteSize("1m", &n, &err));
  EXPECT_EQ(n, 1024 * 1024);
  EXPECT_TRUE(ParseByteSize("10B", &n, &err));
  EXPECT_EQ(n, 10);
  EXPECT_FALSE(ParseByteSize("-1", &n, &err));
  EXPECT_EQ(err, "negative sizes are not allowed");
  EXPECT_FALSE(ParseByteSize("2000000000000", &n, &err));
  EXPECT_EQ(err, "size is too large");
}

TEST_F(WrapperTest, SubscriptionDeliversUntilResetAndMovesWithItsCallback) {
  std::atomic<int> calls{0};
  Subscription sub;
  EXPECT_FALSE(sub.active());
  ASSERT_TRUE(host()
                  .subscribe(
                      PHPEEK_EVENT_MASK(PHPEEK_EVENT_EXITED),
                      [&](const phpeek_event& ev) {
                        EXPECT_STREQ(ev.instance, "web-0");
                        ++calls;
                      },
                      &sub)
                  .ok());
  EXPECT_TRUE(sub.active());
  Push(1);
  Push(2, EventType::kSpawned);  // not in the mask
  ASSERT_TRUE(WaitUntil([&] { return calls == 1; }));
  Subscription moved = std::move(sub);
  EXPECT_FALSE(sub.active());
  EXPECT_TRUE(moved.active());
  Push(3);
  ASSERT_TRUE(WaitUntil([&] { return calls == 2; }));
  const uint64_t id = moved.id();
  EXPECT_TRUE(moved.reset().ok());
  EXPECT_FALSE(moved.active());
  EXPECT_TRUE(moved.reset().ok());                             // idempotent
  EXPECT_EQ(host().unsubscribe(id).code, PHPEEK_E_NOT_FOUND);  // gone from the host
  Push(4);
  {  // a later subscription sees the next event; the reset one never does
    std::atomic<int> later{0};
    Subscription probe;
    ASSERT_TRUE(host()
                    .subscribe(
                        PHPEEK_EVENT_MASK_ALL, [&](const phpeek_event&) { ++later; }, &probe)
                    .ok());
    Push(5);
    ASSERT_TRUE(WaitUntil([&] { return later == 1; }));
  }  // the destructor unsubscribes
  EXPECT_EQ(calls, 2);
}

TEST_F(WrapperTest, SubscriptionCanEndItselfFromItsOwnCallback) {
  std::atomic<int> calls{0};
  Subscription sub;
  // The callback owns state (a captured string) that must stay alive until it returns.
  const std::string tag(64, 't');
  ASSERT_TRUE(host()
                  .subscribe(
                      PHPEEK_EVENT_MASK_ALL,
                      [&sub, &calls, tag](const phpeek_event&) {
                        EXPECT_TRUE(sub.reset().ok());
                        EXPECT_EQ(tag.size(), 64u);  // the callback object is still alive
                        ++calls;
                      },
                      &sub)
                  .ok());
  Push(1);
  ASSERT_TRUE(WaitUntil([&] { return calls == 1; }));
  EXPECT_FALSE(sub.active());
  Push(2);
  Subscription probe;  // once this one has seen event 2, the first one has had its chance
  std::atomic<int> later{0};
  ASSERT_TRUE(host()
                  .subscribe(
                      PHPEEK_EVENT_MASK_ALL, [&](const phpeek_event&) { ++later; }, &probe)
                  .ok());
  Push(3);
  ASSERT_TRUE(WaitUntil([&] { return later == 1; }));
  EXPECT_EQ(calls, 1);
}

TEST_F(WrapperTest, AThrowingCallbackIsLoggedAndKeepsItsSubscription) {
  std::atomic<int> calls{0};
  Subscription sub;
  ASSERT_TRUE(host()
                  .subscribe(
                      PHPEEK_EVENT_MASK_ALL,
                      [&](const phpeek_event&) {
                        ++calls;
                        throw std::runtime_error("bad event");
                      },
                      &sub)
                  .ok());
  Push(1);
  Push(2);
  ASSERT_TRUE(WaitUntil([&] { return calls == 2; }));
  ASSERT_TRUE(WaitUntil([&] { return Logged().size() == 2; }));
  EXPECT_EQ(Logged()[0], std::to_string(PHPEEK_LOG_ERROR) + " event callback threw: bad event");
}

TEST_F(WrapperTest, SubscribeRefusedByTheHostLeavesTheHandleEmpty) {
  events_.Stop();  // as at shutdown: delivery has ended
  Subscription sub;
  const Status s = host().subscribe(
      PHPEEK_EVENT_MASK_ALL, [](const phpeek_event&) {}, &sub);
  EXPECT_EQ(s.code, PHPEEK_E_STOPPING);
  EXPECT_EQ(s.message, "STOPPING");
  EXPECT_FALSE(sub.active());
}

TEST_F(WrapperTest, SafeThreadLogsAnExceptionInsteadOfTerminating) {
  SafeThread t(host(), "poller", [] { throw std::runtime_error("boom"); });
  t.join();
  EXPECT_FALSE(t.joinable());
  SafeThread odd(host(), "odd", [] { throw 42; });
  odd.join();
  const auto log = Logged();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0],
            std::to_string(PHPEEK_LOG_ERROR) + " thread 'poller' ended by an exception: boom");
  EXPECT_EQ(log[1], std::to_string(PHPEEK_LOG_ERROR) +
                        " thread 'odd' ended by an exception: a non-standard exception");
}

TEST_F(WrapperTest, SafeThreadJoinsOnDestructionAndOnAssignment) {
  std::atomic<int> done{0};
  {
    SafeThread a(host(), "a", [&] {
      std::this_thread::sleep_for(50ms);
      ++done;
    });
    SafeThread b(host(), "b", [&] { ++done; });
    a = std::move(b);  // joins the first body before taking the second
    EXPECT_GE(done.load(), 1);
    SafeThread c = std::move(a);
    EXPECT_FALSE(a.joinable());
  }  // c joins here
  EXPECT_EQ(done, 2);
  EXPECT_TRUE(Logged().empty());
}

TEST_F(WrapperTest, SafeThreadLetsThreadCancellationUnwind) {
  std::atomic<bool> after{false};
  SafeThread t(host(), "exits", [&] {
    pthread_exit(nullptr);  // a forced unwind, not an exception: must not be swallowed
    after = true;
  });
  t.join();
  EXPECT_FALSE(after);
  EXPECT_TRUE(Logged().empty());
}

TEST_F(WrapperTest, SafeThreadDestroyedByItsOwnBodyDetaches) {
  std::atomic<bool> assigned{false}, finished{false};
  auto* holder = new SafeThread();
  *holder = SafeThread(host(), "self", [holder, &assigned, &finished] {
    while (!assigned) std::this_thread::yield();
    delete holder;  // joining itself is impossible: it detaches
    finished = true;
  });
  assigned = true;
  ASSERT_TRUE(WaitUntil([&] { return finished.load(); }));
}

// The job services of ABI 1.1 through the wrapper: a table without them (a host before they
// were added) answers UNSUPPORTED instead of calling past its end.
TEST_F(WrapperTest, JobServicesAnswerUnsupportedOnAHostWithoutThem) {
  std::string out;
  EXPECT_EQ(host().jobGet("cron", &out).code, PHPEEK_E_INVALID_ARGUMENT);  // no Control here
  api_.struct_size = static_cast<uint32_t>(offsetof(phpeek_host_api_v1, job_get));
  EXPECT_EQ(host().jobGet("cron", &out).code, PHPEEK_E_UNSUPPORTED);
  EXPECT_EQ(host().jobHistory("cron", 5, &out).code, PHPEEK_E_UNSUPPORTED);
  EXPECT_EQ(host().jobControl(PHPEEK_JOB_OP_TRIGGER, "cron", 100, &out).code, PHPEEK_E_UNSUPPORTED);
  const Status s = host().jobWait("cron", 1, 100, &out);
  EXPECT_EQ(s.code, PHPEEK_E_UNSUPPORTED);
  EXPECT_NE(s.message.find("no scheduled-job services"), std::string::npos) << s.message;
}

// config_reload (ABI 1.1, the last member): UNSUPPORTED from a table without it.
TEST_F(WrapperTest, ConfigReloadAnswersUnsupportedOnAHostWithoutIt) {
  std::string out;
  EXPECT_EQ(host().configReload(100, &out).code, PHPEEK_E_INVALID_ARGUMENT);  // no Control here
  api_.struct_size = static_cast<uint32_t>(offsetof(phpeek_host_api_v1, config_reload));
  const Status s = host().configReload(100, &out);
  EXPECT_EQ(s.code, PHPEEK_E_UNSUPPORTED);
  EXPECT_NE(s.message.find("no config_reload"), std::string::npos) << s.message;
}

// The process-log services (ABI 1.1, the last members): UNSUPPORTED from a table without them,
// and LogFollow ends its follow when reset or destroyed.
TEST_F(WrapperTest, LogServicesAnswerUnsupportedOnAHostWithoutThem) {
  std::string out;
  uint64_t id = 0;
  EXPECT_EQ(host().logRead("", "", 0, 0, &out).code, PHPEEK_E_INVALID_ARGUMENT);  // no Control
  api_.struct_size = static_cast<uint32_t>(offsetof(phpeek_host_api_v1, log_read));
  const Status s = host().logRead("", "", 0, 0, &out);
  EXPECT_EQ(s.code, PHPEEK_E_UNSUPPORTED);
  EXPECT_NE(s.message.find("no process-log services"), std::string::npos) << s.message;
  EXPECT_EQ(host().logFollow("", "", 0, 0, 0, &id, &out).code, PHPEEK_E_UNSUPPORTED);
  EXPECT_EQ(host().logNext(1, 0, &out).code, PHPEEK_E_UNSUPPORTED);
  EXPECT_EQ(host().logUnfollow(1).code, PHPEEK_E_UNSUPPORTED);
  LogFollow follow;
  EXPECT_EQ(follow.start(host(), "", "", 0, 0, 0, &out).code, PHPEEK_E_UNSUPPORTED);
  EXPECT_FALSE(follow.active());
  EXPECT_EQ(follow.next(0, &out).code, PHPEEK_E_NOT_FOUND);
}

class LogControl : public testing::FakeControl {
 public:
  process_logs::LogHistory* ProcessLogs() override { return &history; }
  process_logs::LogHistory history;
};

TEST_F(WrapperTest, LogFollowReadsAndEndsItsFollow) {
  LogControl control;
  ctx_.control = &control;
  const auto web0 = control.history.Register("web", "web-0");
  process_logs::Entry e;
  e.message = "first";
  control.history.Append(web0, e);
  std::string out;
  ASSERT_TRUE(host().logRead("web", "", 0, 10, &out).ok());
  EXPECT_NE(out.find(R"("message":"first")"), std::string::npos) << out;
  LogFollow follow;
  ASSERT_TRUE(follow.start(host(), "web", "web-0", 0, 0, 0, &out).ok());
  EXPECT_TRUE(follow.active());
  EXPECT_NE(out.find(R"("message":"first")"), std::string::npos) << out;
  e.message = "second";
  control.history.Append(web0, e);
  out.clear();
  ASSERT_TRUE(follow.next(1000, &out).ok());
  EXPECT_NE(out.find(R"("message":"second")"), std::string::npos) << out;
  EXPECT_EQ(control.history.stats().followers, 1u);
  {
    LogFollow moved = std::move(follow);
    EXPECT_FALSE(follow.active());
    EXPECT_TRUE(moved.active());
  }  // destroyed: unfollowed
  EXPECT_EQ(control.history.stats().followers, 0u);
}

TEST(Names, StateAndEventNamesAreTheHostsWords) {
  for (int32_t code = PHPEEK_STATE_STARTING; code <= PHPEEK_STATE_BLOCKED; ++code) {
    EXPECT_EQ(plugin_host::ToAbiState(phpeek_state_name(code)), code) << phpeek_state_name(code);
  }
  EXPECT_STREQ(phpeek_state_name(PHPEEK_STATE_UNKNOWN), "unknown");
  EXPECT_STREQ(phpeek_state_name(99), "unknown");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_STATE_CHANGED), "state_changed");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_SPAWNED), "spawned");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_EXITED), "exited");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_CONFIG_RELOADED), "config_reloaded");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_SHUTTING_DOWN), "shutting_down");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_HEALTH_CHANGED), "health_changed");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_HOOK_FINISHED), "hook_finished");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_JOB_RUN_STARTED), "job_run_started");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_JOB_RUN_FINISHED), "job_run_finished");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_DEPENDENCY_BLOCKED), "dependency_blocked");
  EXPECT_STREQ(phpeek_event_type_name(0), "unknown");
}

class Probe : public Plugin {
 public:
  Probe(Host host, const std::string& /*config_json*/) : Plugin(host) {}
};

}  // namespace
}  // namespace phpeek::v1

PHPEEK_DEFINE_PLUGIN(phpeek::v1::Probe, "probe", "1.0.0", "wrapper test")

namespace phpeek::v1 {
namespace {

TEST(DefinePlugin, DeclaresTheWrappersMinimumHostSoA10HostLoadsIt) {
  const phpeek_plugin_api_v1* d = phpeek_plugin_entry_v1(1, 0);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->abi_minor, static_cast<uint32_t>(PHPEEK_ABI_MINOR));
  EXPECT_EQ(d->min_host_minor, 0u);
  plugin_host::LoadedPlugin loaded;
  std::string reason;
  ASSERT_TRUE(plugin_host::Negotiate(d, "probe", 0, &loaded, &reason)) << reason;
  EXPECT_EQ(loaded.negotiated_minor, 0u);
}

}  // namespace
}  // namespace phpeek::v1
