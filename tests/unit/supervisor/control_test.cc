// The Control interface in-process: commands submitted from another thread while the loop runs
// real children; outcomes observed through snapshots and events.
#include <gtest/gtest.h>
#include <signal.h>

#include <mutex>
#include <thread>

#include "core/supervisor/supervisor.h"
#include "tests/support/process_spec.h"
#include "tests/support/test_support.h"

namespace phpeek {
namespace {

using phpeek::testing::ProcessExists;
using phpeek::testing::WaitUntil;

using phpeek::testing::Proc;

class Recorder : public EventListener {
 public:
  void OnEvent(const Event& e) override {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(e);
    if (!e.instance.empty() && e.type == EventType::kStateChanged) {
      if (e.old_state == "running") --running;
      if (e.new_state == "running") ++running;
      min_running_after_start = seen_full ? std::min(min_running_after_start, running) : 99;
      if (running == 3) seen_full = true;
    }
  }
  std::vector<Event> Copy() {
    std::lock_guard<std::mutex> lock(mu);
    return events;
  }
  std::mutex mu;
  std::vector<Event> events;
  int running = 0;
  bool seen_full = false;
  int min_running_after_start = 99;
};

class Running {
 public:
  explicit Running(const config::Config& c) : sup(c) {
    sup.AddListener(&recorder);
    thread = std::thread([this] { code = sup.Run(); });
  }
  ~Running() {
    sup.RequestShutdown();
    thread.join();
  }
  std::optional<ProcessStatus> Of(const std::string& name) { return sup.SnapshotOf(name); }
  bool AllRunning(const std::string& name, size_t n) {
    auto s = Of(name);
    if (!s || s->instances.size() != n || s->state != "running") return false;
    for (const auto& i : s->instances) {
      if (i.state != "running" || i.pid <= 0) return false;
    }
    return true;
  }
  Recorder recorder;
  Supervisor sup;
  std::thread thread;
  int code = -1;
};

config::Config BaseConfig() {
  config::Config c;
  c.global.shutdown_timeout = std::chrono::milliseconds(5000);
  c.processes.push_back(Proc("web", {"sleep", "60"}));
  auto idle = Proc("idle", {"sleep", "60"});
  idle.initial_state = config::InitialState::kStopped;
  c.processes.push_back(idle);
  auto off = Proc("off", {"sleep", "60"});
  off.enabled = false;
  c.processes.push_back(off);
  auto capped = Proc("capped", {"sleep", "60"});
  capped.max_scale = 2;
  capped.initial_state = config::InitialState::kStopped;
  c.processes.push_back(capped);
  return c;
}

TEST(ControlTest, SnapshotBeforeRunListsConfiguredProcesses) {
  const config::Config c = BaseConfig();
  Supervisor sup(c);
  const auto all = sup.Snapshot();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].name, "web");
  EXPECT_EQ(all[0].state, "stopped");
  EXPECT_EQ(all[2].name, "off");
  ASSERT_EQ(all[0].instances.size(), 1u);
  EXPECT_EQ(all[0].instances[0].id, "web-0");
}

TEST(ControlTest, ValidatesCommandsAtOnce) {
  const config::Config c = BaseConfig();
  Running r(c);
  EXPECT_EQ(r.sup.Submit(ControlOp::kStart, "nope", 0), ControlResult::kNotFound);
  EXPECT_EQ(r.sup.Submit(ControlOp::kScale, "web", -1), ControlResult::kInvalidArgument);
  EXPECT_EQ(r.sup.Submit(ControlOp::kScale, "web", 101), ControlResult::kInvalidArgument);
  EXPECT_EQ(r.sup.Submit(ControlOp::kScale, "capped", 3), ControlResult::kInvalidArgument);
  EXPECT_EQ(r.sup.Submit(ControlOp::kStart, "off", 0), ControlResult::kInvalidArgument);
  EXPECT_STREQ(ToString(ControlResult::kNotFound), "not found");
  // Which setting bounds a scale, for the refusal's message.
  ASSERT_TRUE(r.sup.ScaleLimitOf("web").has_value());
  EXPECT_EQ(r.sup.ScaleLimitOf("web")->value, 100);
  EXPECT_STREQ(r.sup.ScaleLimitOf("web")->key, "max_process_scale");
  EXPECT_EQ(r.sup.ScaleLimitOf("capped")->value, 2);
  EXPECT_STREQ(r.sup.ScaleLimitOf("capped")->key, "max_scale");
  EXPECT_FALSE(r.sup.ScaleLimitOf("nope").has_value());
}

TEST(ControlTest, StartStopScaleRestartFromAnotherThread) {
  const config::Config c = BaseConfig();
  Running r(c);
  ASSERT_TRUE(WaitUntil([&] { return r.AllRunning("web", 1); }));
  EXPECT_EQ(r.Of("idle")->state, "stopped");
  EXPECT_EQ(r.Of("off")->instances[0].state, "stopped");
  const int pid0 = r.Of("web")->instances[0].pid;

  ASSERT_EQ(r.sup.Submit(ControlOp::kScale, "web", 3), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] { return r.AllRunning("web", 3); }));
  auto web = *r.Of("web");
  EXPECT_EQ(web.scale, 3);
  EXPECT_EQ(web.instances[0].pid, pid0);  // existing instances are untouched
  EXPECT_EQ(web.instances[2].id, "web-2");
  const int pid2 = web.instances[2].pid;

  ASSERT_EQ(r.sup.Submit(ControlOp::kScale, "web", 1), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] { return r.AllRunning("web", 1); }));
  EXPECT_EQ(r.Of("web")->instances[0].pid, pid0);
  EXPECT_TRUE(WaitUntil([&] { return !ProcessExists(pid2); }));

  ASSERT_EQ(r.sup.Submit(ControlOp::kRestart, "web", 0), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] {
    auto s = r.Of("web");
    return r.AllRunning("web", 1) && s->instances[0].pid != pid0;
  }));
  EXPECT_EQ(r.Of("web")->instances[0].restart_count, 1u);
  EXPECT_FALSE(ProcessExists(pid0));

  ASSERT_EQ(r.sup.Submit(ControlOp::kStop, "web", 0), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] { return r.Of("web")->state == "stopped"; }));
  EXPECT_EQ(r.Of("web")->instances[0].pid, 0);
  EXPECT_EQ(r.Of("web")->instances[0].last_signal, SIGTERM);

  ASSERT_EQ(r.sup.Submit(ControlOp::kStart, "idle", 0), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] { return r.AllRunning("idle", 1); }));

  ASSERT_EQ(r.sup.Submit(ControlOp::kScale, "web", 0), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] { return r.Of("web")->instances.empty(); }));
  EXPECT_EQ(r.Of("web")->state, "stopped");
  EXPECT_EQ(r.Of("web")->scale, 0);

  const auto events = r.recorder.Copy();
  for (size_t i = 1; i < events.size(); ++i) EXPECT_GT(events[i].seq, events[i - 1].seq);
  bool saw_spawn = false, saw_process_running = false;
  for (const auto& e : events) {
    saw_spawn |= e.type == EventType::kSpawned && e.instance == "web-2" && e.pid == pid2;
    saw_process_running |= e.type == EventType::kStateChanged && e.process == "web" &&
                           e.instance.empty() && e.new_state == "running";
  }
  EXPECT_TRUE(saw_spawn);
  EXPECT_TRUE(saw_process_running);
}

TEST(ControlTest, ScaleDownAndUpAgainWhileRetiredInstancesAreStillStopping) {
  config::Config c;
  c.global.shutdown_timeout = std::chrono::milliseconds(5000);
  // Slow to stop, so the scale changes below overtake the stops they cause.
  c.processes.push_back(
      Proc("q", {"sh", "-c", "trap 'sleep 0.3; exit 0' TERM; while :; do sleep 1; done"}, 3));
  Running r(c);
  ASSERT_TRUE(WaitUntil([&] { return r.AllRunning("q", 3); }));
  const int pid0 = r.Of("q")->instances[0].pid;
  ASSERT_EQ(r.sup.Submit(ControlOp::kScale, "q", 1), ControlResult::kAccepted);
  ASSERT_EQ(r.sup.Submit(ControlOp::kScale, "q", 3), ControlResult::kAccepted);  // un-retires
  ASSERT_EQ(r.sup.Submit(ControlOp::kScale, "q", 2), ControlResult::kAccepted);  // retires q-2
  ASSERT_TRUE(WaitUntil([&] { return r.AllRunning("q", 2); }));
  auto s = r.Of("q");
  EXPECT_EQ(s->instances[0].pid, pid0);
  EXPECT_EQ(s->instances[1].id, "q-1");
  ASSERT_EQ(r.sup.Submit(ControlOp::kScale, "q", 0), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] { return r.Of("q")->instances.empty(); }));
  ASSERT_EQ(r.sup.Submit(ControlOp::kScale, "q", 2), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] { return r.AllRunning("q", 2); }));
  EXPECT_FALSE(ProcessExists(pid0));
}

TEST(ControlTest, RollingRestartKeepsServiceUp) {
  config::Config c;
  c.global.shutdown_timeout = std::chrono::milliseconds(5000);
  // Takes a moment to stop, so a restart of all at once would show zero running.
  c.processes.push_back(
      Proc("api", {"sh", "-c", "trap 'sleep 0.2; exit 0' TERM; while :; do sleep 1; done"}, 3));
  Running r(c);
  ASSERT_TRUE(WaitUntil([&] { return r.AllRunning("api", 3); }));
  std::vector<int> before;
  const auto started = r.Of("api");  // a named copy: a member of a temporary would dangle
  for (const auto& i : started->instances) before.push_back(i.pid);
  ASSERT_EQ(r.sup.Submit(ControlOp::kRestart, "api", 0), ControlResult::kAccepted);
  ASSERT_TRUE(WaitUntil([&] {
    auto s = r.Of("api");
    if (!r.AllRunning("api", 3)) return false;
    for (size_t i = 0; i < 3; ++i) {
      if (s->instances[i].pid == before[i]) return false;
    }
    return true;
  }));
  std::lock_guard<std::mutex> lock(r.recorder.mu);
  EXPECT_GE(r.recorder.min_running_after_start, 2);
}

TEST(ControlTest, ShutdownRefusesFurtherCommandsAndRunReturnsZero) {
  const config::Config c = BaseConfig();
  auto r = std::make_unique<Running>(c);
  ASSERT_TRUE(WaitUntil([&] { return r->AllRunning("web", 1); }));
  const int pid = r->Of("web")->instances[0].pid;
  r->sup.RequestShutdown();
  r->thread.join();
  EXPECT_EQ(r->code, 0);
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_EQ(r->sup.Submit(ControlOp::kStart, "web", 0), ControlResult::kStopping);
  r->thread = std::thread([] {});  // the destructor joins again
}

}  // namespace
}  // namespace phpeek

int main(int argc, char** argv) {
  // Before any thread: signals must reach the loop's signalfd only.
  phpeek::Supervisor::BlockSignals();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
