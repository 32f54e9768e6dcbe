#include "core/plugin_host/event_dispatcher.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "core/plugin_host/abi_codes.h"
#include "tests/support/test_support.h"

namespace phpeek::plugin_host {
namespace {

using phpeek::testing::WaitUntil;

struct Seen {
  std::mutex mu;
  std::vector<uint64_t> seqs;
  std::vector<uint32_t> dropped;
  std::vector<std::string> tags;
  std::atomic<bool> gate{true};  // callbacks spin while false, to fill queues deliberately
  std::atomic<int> entered{0};
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return seqs.size();
  }
};

struct Tagged {
  Seen* seen;
  std::string tag;
};

void Record(void* user, const phpeek_event* ev) {
  auto* t = static_cast<Tagged*>(user);
  ++t->seen->entered;
  while (!t->seen->gate.load()) std::this_thread::yield();
  std::lock_guard<std::mutex> lock(t->seen->mu);
  t->seen->seqs.push_back(ev->seq);
  t->seen->dropped.push_back(ev->dropped);
  t->seen->tags.push_back(t->tag);
}

std::shared_ptr<const AbiEvent> Ev(uint64_t seq, EventType type = EventType::kStateChanged) {
  Event e;
  e.type = type;
  e.seq = seq;
  e.process = "web";
  return ToAbiEvent(e);
}

TEST(EventDispatcher, DeliversInSeqOrderAcrossSubscriptionsFilteredByMask) {
  EventDispatcher d("p", 64);
  Seen seen;
  Tagged all{&seen, "all"}, exits{&seen, "exits"};
  ASSERT_EQ(d.Subscribe(PHPEEK_EVENT_MASK_ALL, Record, &all, nullptr), PHPEEK_OK);
  ASSERT_EQ(d.Subscribe(PHPEEK_EVENT_MASK(PHPEEK_EVENT_EXITED), Record, &exits, nullptr),
            PHPEEK_OK);
  d.Push(Ev(1));
  d.Push(Ev(2, EventType::kExited));
  d.Push(Ev(3));
  ASSERT_TRUE(WaitUntil([&] { return seen.size() == 4; }));
  EXPECT_EQ(seen.seqs, (std::vector<uint64_t>{1, 2, 2, 3}));
  EXPECT_EQ(seen.tags[3], "all");
}

TEST(EventDispatcher, DropsTheOldestWhenFullAndCountsThem) {
  EventDispatcher d("p", 3);
  Seen seen;
  Tagged t{&seen, "t"};
  ASSERT_EQ(d.Subscribe(PHPEEK_EVENT_MASK_ALL, Record, &t, nullptr), PHPEEK_OK);
  seen.gate = false;
  d.Push(Ev(1));  // taken by the dispatch thread, which then waits in the callback
  ASSERT_TRUE(WaitUntil([&] { return seen.entered.load() == 1; }));
  for (uint64_t s = 100; s < 113; ++s) d.Push(Ev(s));
  EXPECT_EQ(d.dropped_total(), 10u);
  seen.gate = true;
  ASSERT_TRUE(WaitUntil([&] { return seen.size() == 4; }));
  std::lock_guard<std::mutex> lock(seen.mu);
  EXPECT_EQ(seen.seqs, (std::vector<uint64_t>{1, 110, 111, 112}));
  EXPECT_EQ(seen.dropped, (std::vector<uint32_t>{0, 10, 0, 0}));  // reported once, with the next
}

TEST(EventDispatcher, UnsubscribeStopsDeliveryAndRejectsUnknownIds) {
  EventDispatcher d("p", 8);
  Seen seen;
  Tagged t{&seen, "t"};
  uint64_t id = 0;
  ASSERT_EQ(d.Subscribe(PHPEEK_EVENT_MASK_ALL, Record, &t, &id), PHPEEK_OK);
  d.Push(Ev(1));
  ASSERT_TRUE(WaitUntil([&] { return seen.size() == 1; }));
  EXPECT_EQ(d.Unsubscribe(id), PHPEEK_OK);
  EXPECT_EQ(d.Unsubscribe(id), PHPEEK_E_NOT_FOUND);
  d.Push(Ev(2));
  d.Stop();
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(d.Subscribe(PHPEEK_EVENT_MASK_ALL, Record, &t, &id), PHPEEK_E_STOPPING);
  EXPECT_EQ(d.Subscribe(0, Record, &t, &id), PHPEEK_E_INVALID_ARGUMENT);
}

TEST(EventDispatcher, ConvertsEventsToTheAbi) {
  Event e;
  e.type = EventType::kExited;
  e.seq = 7;
  e.process = "web";
  e.instance = "web-1";
  e.pid = 42;
  e.exit_code = -1;
  e.signal = 9;
  auto a = ToAbiEvent(e);
  EXPECT_EQ(a->type, static_cast<uint32_t>(PHPEEK_EVENT_EXITED));
  EXPECT_EQ(a->pid, 42);
  EXPECT_EQ(a->signal, 9);
  EXPECT_EQ(a->detail_json, R"({"schema":1,"instance":"web-1","exit_code":-1,"signal":9})");
  e.type = EventType::kStateChanged;
  e.old_state = "running";
  e.new_state = "backoff";
  a = ToAbiEvent(e);
  EXPECT_EQ(a->old_state, PHPEEK_STATE_RUNNING);
  EXPECT_EQ(a->new_state, PHPEEK_STATE_BACKOFF);
  EXPECT_EQ(a->pid, 0);
  e.new_state = "suspended";
  EXPECT_EQ(ToAbiEvent(e)->new_state, PHPEEK_STATE_SUSPENDED);
  EXPECT_EQ(ToAbiEvent(e)->since_minor, 0u);
}

TEST(EventDispatcher, ConvertsDependencyBlockedToTheAbiAsEvent10Of11) {
  Event e;
  e.type = EventType::kDependencyBlocked;
  e.process = "horizon";
  e.dependency = "redis";
  e.reason = "'redis' failed (exit code 1)";
  e.waiting = {"php-fpm", "redis"};
  const auto a = ToAbiEvent(e);
  EXPECT_EQ(a->type, 10u);
  EXPECT_EQ(a->type, static_cast<uint32_t>(PHPEEK_EVENT_DEPENDENCY_BLOCKED));
  EXPECT_EQ(a->since_minor, 1u);  // never sent to a plugin negotiated at 1.0
  EXPECT_EQ(a->process, "horizon");
  EXPECT_EQ(a->instance, "");
  EXPECT_EQ(a->pid, 0);
  EXPECT_EQ(a->exit_code, -1);
  EXPECT_EQ(a->old_state, 0);
  EXPECT_EQ(a->detail_json,
            R"j({"schema":1,"dependency":"redis","reason":"'redis' failed (exit code 1)",)j"
            R"j("waiting_for":["php-fpm","redis"]})j");
  EXPECT_STREQ(phpeek_event_type_name(PHPEEK_EVENT_DEPENDENCY_BLOCKED), "dependency_blocked");
  Event state;
  state.type = EventType::kStateChanged;
  state.process = "horizon";
  state.old_state = "starting";
  state.new_state = "blocked";
  EXPECT_EQ(ToAbiEvent(state)->new_state, PHPEEK_STATE_BLOCKED);
  EXPECT_STREQ(phpeek_state_name(PHPEEK_STATE_BLOCKED), "blocked");
}

TEST(EventDispatcher, ConvertsHookEventsToTheAbiAsAnAdditionOf11) {
  Event e;
  e.type = EventType::kHookFinished;
  e.process = "horizon";
  e.instance = "horizon-0";
  e.exit_code = -1;
  e.signal = SIGKILL;
  e.hook = "horizon-terminate";
  e.hook_type = "pre_stop";
  e.hook_result = "timeout";
  e.attempts = 2;
  e.duration_ms = 60001;
  const auto a = ToAbiEvent(e);
  EXPECT_EQ(a->type, static_cast<uint32_t>(PHPEEK_EVENT_HOOK_FINISHED));
  EXPECT_EQ(a->since_minor, 1u);
  EXPECT_EQ(a->pid, 0);
  EXPECT_EQ(a->exit_code, -1);
  EXPECT_EQ(a->signal, SIGKILL);
  EXPECT_EQ(a->old_state, 0);
  EXPECT_EQ(a->detail_json,
            R"({"schema":1,"instance":"horizon-0","exit_code":-1,"signal":9,)"
            R"("hook":"horizon-terminate","hook_type":"pre_stop","result":"timeout",)"
            R"("attempts":2,"duration_ms":60001})");
}

// ABI 1.1: health transitions as their own event type, with health codes in old/new_state.
TEST(EventDispatcher, ConvertsHealthChangesAndLivenessExits) {
  Event e;
  e.type = EventType::kHealthChanged;
  e.process = "web";
  e.instance = "web-0";
  e.pid = 42;
  e.old_state = "healthy";
  e.new_state = "unhealthy";
  e.check_type = "tcp";
  e.check_mode = "both";
  e.reason = "connect: Connection refused";
  e.restart = true;
  auto a = ToAbiEvent(e);
  EXPECT_EQ(a->type, static_cast<uint32_t>(PHPEEK_EVENT_HEALTH_CHANGED));
  EXPECT_EQ(a->old_state, PHPEEK_HEALTH_HEALTHY);
  EXPECT_EQ(a->new_state, PHPEEK_HEALTH_UNHEALTHY);
  EXPECT_EQ(a->pid, 42);
  EXPECT_EQ(a->detail_json,
            R"({"schema":1,"instance":"web-0","old_health":"healthy","new_health":"unhealthy",)"
            R"("check":"tcp","mode":"both","reason":"connect: Connection refused","restart":true,)"
            R"("ready":false})");
  Event x;
  x.type = EventType::kExited;
  x.instance = "web-0";
  x.signal = 15;
  x.ended_by = "health_check";
  EXPECT_EQ(
      ToAbiEvent(x)->detail_json,
      R"({"schema":1,"instance":"web-0","exit_code":-1,"signal":15,"ended_by":"health_check"})");
  EXPECT_EQ(ToAbiEvent(x)->since_minor, 0u);
  Event health;
  health.type = EventType::kHealthChanged;
  EXPECT_EQ(ToAbiEvent(health)->since_minor, 1u);  // never sent to a plugin negotiated at 1.0
  Event internal;
  internal.type = EventType::kReadinessChanged;
  EXPECT_EQ(ToAbiEventType(internal.type), 0u);  // never sent to plugins
}

}  // namespace
}  // namespace phpeek::plugin_host
