// The plugin host's lifecycle with real fixture plugins (tests/abi-compat) and a fake Control.
#include "core/plugin_host/plugin_host.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/plugin_host/plugin_instance.h"
#include "tests/support/fixture_plugin.h"
#include "tests/support/test_support.h"
#include "tests/unit/plugin_host/fake_control.h"

namespace phpeek::plugin_host {
namespace {

using phpeek::testing::ReadFile;
using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;

PluginRequest FixtureRequest(const std::string& name) {
  return PluginRequest{name, phpeek::testing::FixturePlugin(name)};
}

LoadedPlugin Load(const std::string& name) {
  LoadedPlugin out;
  std::string err;
  EXPECT_EQ(LoadPlugin(FixtureRequest(name), &out, &err), LoadOutcome::kLoaded) << err;
  return out;
}

class PluginHostTest : public ::testing::Test {
 protected:
  PluginHostTest() {
    control_.SetProcesses({testing::WebProcess()});
    global_ = R"({"recorder_file":")" + dir_.Join("rec.txt") + R"(","recorder_tag":"t-1",)" +
              R"("slow_stop_ms":"3000"})";
    global_json_.Set(global_);
  }
  std::string Recorded() { return ReadFile(dir_.Join("rec.txt")); }

  TempDir dir_;
  testing::FakeControl control_;
  std::string global_;
  GlobalJson global_json_;  // the same, as a PluginInstance reads it
  std::atomic<bool> stopping_{false};
};

std::vector<LoadedPlugin> LoadAll(const std::vector<std::string>& names) {
  std::vector<LoadedPlugin> out;
  for (const auto& name : names) out.push_back(Load(name));
  return out;
}

TEST_F(PluginHostTest, OldPluginUsesEveryServiceAndSeesEventsInOrder) {
  PluginHost host(LoadAll({"old-recorder"}), global_);
  ASSERT_TRUE(host.Start(&control_));
  EXPECT_EQ(control_.listener_count(), 1u);
  const std::string head = Recorded();
  EXPECT_NE(head.find("config t-1\n"), std::string::npos) << head;
  EXPECT_NE(head.find("list {\"schema\":1,\"processes\":[{\"name\":\"web\""), std::string::npos);
  EXPECT_NE(head.find("control-missing NOT_FOUND\n"), std::string::npos);

  Event spawned;
  spawned.type = EventType::kSpawned;
  spawned.process = "web";
  spawned.instance = "web-0";
  spawned.pid = 4242;
  control_.Emit(spawned);
  Event exited = spawned;
  exited.type = EventType::kExited;
  exited.exit_code = 3;
  control_.Emit(exited);
  Event health;  // ABI 1.1: never reaches a plugin negotiated at 1.0
  health.type = EventType::kHealthChanged;
  health.process = "web";
  health.instance = "web-0";
  health.new_state = "healthy";
  control_.Emit(health);
  Event readiness;  // the core's own: never reaches any plugin
  readiness.type = EventType::kReadinessChanged;
  readiness.new_state = "ready";
  control_.Emit(readiness);
  Event changed;
  changed.process = "web";
  changed.instance = "web-0";
  changed.old_state = "running";
  changed.new_state = "backoff";
  control_.Emit(changed);
  ASSERT_TRUE(WaitUntil([&] { return Recorded().find("event 5 ") != std::string::npos; }));
  const std::string all = Recorded();
  EXPECT_NE(all.find("event 1 2 web web-0 0->0 pid=4242 code=-1 sig=0\n"), std::string::npos)
      << all;
  EXPECT_NE(all.find("event 2 3 web web-0 0->0 pid=4242 code=3 sig=0\n"), std::string::npos) << all;
  EXPECT_NE(all.find("event 5 1 web web-0 2->3 pid=0 code=-1 sig=0\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("event 3 "), std::string::npos) << all;
  EXPECT_EQ(all.find("event 4 "), std::string::npos) << all;
  host.Stop();
  EXPECT_EQ(Recorded().substr(Recorded().size() - 5), "stop\n");
}

// A 1.0 plugin subscribed to every type never sees one added later (HOOK_FINISHED and
// DEPENDENCY_BLOCKED, 1.1).
TEST_F(PluginHostTest, OldPluginGetsNoEventTypeNewerThanItsMinor) {
  PluginHost host(LoadAll({"old-recorder"}), global_);
  ASSERT_TRUE(host.Start(&control_));
  Event hook;
  hook.type = EventType::kHookFinished;
  hook.hook = "migrate";
  hook.hook_type = "pre_start";
  hook.hook_result = "success";
  control_.Emit(hook);
  Event blocked;
  blocked.type = EventType::kDependencyBlocked;
  blocked.process = "horizon";
  blocked.dependency = "redis";
  control_.Emit(blocked);
  Event down;
  down.type = EventType::kShuttingDown;
  control_.Emit(down);
  ASSERT_TRUE(WaitUntil([&] { return Recorded().find("event 3 5") != std::string::npos; }))
      << Recorded();
  EXPECT_EQ(Recorded().find("event 1 "), std::string::npos) << Recorded();
  EXPECT_EQ(Recorded().find("event 2 "), std::string::npos) << Recorded();
  host.Stop();
}

TEST_F(PluginHostTest, AFailedStartStopsThoseAlreadyStartedAndReportsFalse) {
  PluginHost host(LoadAll({"old-recorder", "fail-init", "good-fixture"}), global_);
  EXPECT_EQ(host.loaded_count(), 3u);
  EXPECT_FALSE(host.Start(&control_));
  EXPECT_EQ(Recorded().substr(Recorded().size() - 5), "stop\n");
}

TEST_F(PluginHostTest, InitAndStartFailuresNameThePluginAndTheReason) {
  std::string err;
  PluginInstance fail_init(Load("fail-init"), {});
  EXPECT_FALSE(fail_init.Init(&control_, &global_json_, &stopping_, &err));
  EXPECT_EQ(err,
            "plugin 'fail-init' failed to initialise: spool_dir is not set (INVALID_ARGUMENT)");
  PluginInstance throwing(Load("throwing"), {});
  EXPECT_FALSE(throwing.Init(&control_, &global_json_, &stopping_, &err));
  EXPECT_EQ(err,
            "plugin 'throwing' failed to initialise: threw a C++ exception across the ABI "
            "boundary: config file /etc/throwing.ini is unreadable (INTERNAL)");
  PluginInstance fail_start(Load("fail-start"), {});
  ASSERT_TRUE(fail_start.Init(&control_, &global_json_, &stopping_, &err)) << err;
  EXPECT_FALSE(fail_start.Start(&err));
  EXPECT_EQ(err,
            "plugin 'fail-start' failed to start: cannot bind 127.0.0.1:1: permission denied "
            "(DENIED)");
}

TEST_F(PluginHostTest, AHungStopIsAbandonedAtTheDeadline) {
  LifecycleOptions options;
  options.budget = std::chrono::milliseconds(50);
  options.min_wait = std::chrono::milliseconds(100);
  PluginInstance slow(Load("slow-stop"), options);
  std::string err;
  ASSERT_TRUE(slow.Init(&control_, &global_json_, &stopping_, &err)) << err;
  ASSERT_TRUE(slow.Start(&err)) << err;
  const auto t0 = std::chrono::steady_clock::now();
  // The fixture sleeps 3 s in stop.
  EXPECT_FALSE(slow.Shutdown(t0 + std::chrono::milliseconds(300)));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::milliseconds(2500));
  EXPECT_FALSE(slow.Shutdown(t0));  // idempotent, still abandoned
}

// Another fixture than the test above: an abandoned instance is leaked on purpose, and stays
// reachable (for LeakSanitizer) only through its own library's globals.
TEST_F(PluginHostTest, AStopPastTheDeadlineStillGetsTheMinimumWait) {
  LifecycleOptions options;
  options.budget = std::chrono::milliseconds(50);
  options.min_wait = std::chrono::milliseconds(200);
  PluginInstance slow(Load("hangs-in-stop"), options);
  std::string err;
  ASSERT_TRUE(slow.Init(&control_, &global_json_, &stopping_, &err)) << err;
  ASSERT_TRUE(slow.Start(&err)) << err;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(slow.Shutdown(t0 - std::chrono::seconds(5)));  // the deadline has long passed
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_LT(took, std::chrono::milliseconds(2500));
}

// The slow stop that returns within the deadline is PluginsIntegration.SlowStopIsReported...
TEST_F(PluginHostTest, AQuickStopIsNotAbandonedEvenWhenTheDeadlineHasPassed) {
  PluginInstance quick(Load("good-fixture"), {});
  std::string err;
  ASSERT_TRUE(quick.Init(&control_, &global_json_, &stopping_, &err)) << err;
  ASSERT_TRUE(quick.Start(&err)) << err;
  EXPECT_TRUE(quick.Shutdown(std::chrono::steady_clock::now() - std::chrono::seconds(5)));
  EXPECT_TRUE(quick.Shutdown());  // idempotent
}

}  // namespace
}  // namespace phpeek::plugin_host
