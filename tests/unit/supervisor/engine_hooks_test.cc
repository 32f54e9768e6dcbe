// When the engine runs lifecycle hooks, on the fake clock and fake processes: each point in its
// order relative to spawns, stop signals and exits, what a failure does, the shutdown's bounds,
// and that a hook that never ends holds up nothing else.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <vector>

#include "tests/support/process_spec.h"
#include "tests/unit/supervisor/engine_fixture.h"

namespace phpeek::supervisor {
namespace {

using testing::Proc;

config::Hook MakeHook(const std::string& name, milliseconds timeout = milliseconds(5000)) {
  config::Hook h;
  h.name = name;
  h.command.argv = {"/bin/" + name};
  h.timeout = timeout;
  return h;
}

class Recorder : public EventListener {
 public:
  void OnEvent(const Event& e) override {
    if (e.type == EventType::kHookFinished) hooks.push_back(e);
  }
  std::vector<Event> hooks;
};

class EngineHooksTest : public EngineTest {
 protected:
  EngineHooksTest() { bus.AddListener(&recorder); }

  pid_t Hook(const std::string& name) const { return os.PidOf("hook:" + name); }
  void EndHook(const std::string& name, int code = 0) {
    const pid_t pid = Hook(name);
    ASSERT_NE(pid, 0) << "hook " << name << " is not running";
    os.Exit(pid, code);
    Settle();
  }
  // Index of the first signal `sig` sent to the group of `pid`, or -1.
  int SignalIndex(pid_t pid, int sig) const {
    const auto& all = os.signals();
    const auto it = std::find(all.begin(), all.end(), std::make_pair(-pid, sig));
    return it == all.end() ? -1 : static_cast<int>(it - all.begin());
  }

  Recorder recorder;
};

// config_test: before each spawn (a failure fails the instance with the reason), and before a
// restart or reload touches the running instance (a failure leaves it as it is).
TEST_F(EngineHooksTest, AFailingConfigTestBeforeASpawnFailsTheInstance) {
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.back().config_test = MakeHook("config_test");
  Start();
  EXPECT_EQ(Pid("web"), 0);  // the test runs first
  EndHook("config_test", 1);
  EXPECT_EQ(Instance("web").state, "failed");
  EXPECT_EQ(Instance("web").reason, "config_test failed: exit code 1");
  EXPECT_EQ(os.spawns(), 1);  // only the test
}

TEST_F(EngineHooksTest, TheConfigTestGatesRestartsAndReloadsOfRunningInstances) {
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.back().config_test = MakeHook("config_test");
  config.processes.back().reload_signal = SIGUSR2;
  Start();
  EndHook("config_test");
  const pid_t first = Pid("web");
  ASSERT_NE(first, 0);
  EXPECT_EQ(snapshots.GetOne("web")->config_test->runs, 0u);  // pre-spawn tests are not counted

  Command(ControlOp::kRestart, "web");
  EXPECT_EQ(os.CountSignals(-first, SIGTERM), 0u);  // nothing touched while the test runs
  EndHook("config_test", 1);
  EXPECT_EQ(Pid("web"), first);
  EXPECT_EQ(Instance("web").state, "running");
  EXPECT_EQ(os.CountSignals(-first, SIGTERM), 0u);
  ASSERT_TRUE(snapshots.GetOne("web")->config_test.has_value());
  EXPECT_EQ(snapshots.GetOne("web")->config_test->runs, 1u);
  EXPECT_EQ(snapshots.GetOne("web")->config_test->error, "exit code 1");

  Command(ControlOp::kReload, "web");
  EndHook("config_test", 1);
  EXPECT_EQ(os.CountSignals(first, SIGUSR2), 0u);
  Command(ControlOp::kReload, "web");
  EndHook("config_test");
  EXPECT_EQ(os.CountSignals(first, SIGUSR2), 1u);
  EXPECT_EQ(snapshots.GetOne("web")->config_test->runs, 3u);
  EXPECT_EQ(snapshots.GetOne("web")->config_test->error, "");

  Command(ControlOp::kRestart, "web");
  EndHook("config_test");  // passes: the restart goes on
  EXPECT_EQ(os.CountSignals(-first, SIGTERM), 1u);
  EndHook("config_test");  // and the new spawn is tested too
  EXPECT_NE(Pid("web"), first);
  EXPECT_EQ(Instance("web").state, "running");
}

TEST_F(EngineHooksTest, GlobalPreStartRunsInOrderBeforeAnyProcess) {
  config.hooks.pre_start = {MakeHook("cache"), MakeHook("migrate")};
  config.processes.push_back(Proc("web", {"web"}));
  Start();
  EXPECT_NE(Hook("cache"), 0);
  EXPECT_EQ(Hook("migrate"), 0);
  EXPECT_EQ(Instance("web").state, "starting");
  EXPECT_EQ(Pid("web"), 0);
  EndHook("cache");
  EXPECT_NE(Hook("migrate"), 0);
  EXPECT_EQ(Pid("web"), 0);
  EndHook("migrate");
  EXPECT_NE(Pid("web"), 0);
  EXPECT_EQ(Instance("web").state, "running");
  ASSERT_EQ(recorder.hooks.size(), 2u);
  EXPECT_EQ(recorder.hooks[0].hook, "cache");
  EXPECT_EQ(recorder.hooks[0].hook_type, "pre_start");
  EXPECT_EQ(recorder.hooks[0].hook_result, "success");
  EXPECT_EQ(recorder.hooks[0].process, "");
}

TEST_F(EngineHooksTest, FailedGlobalPreStartStopsTheDaemonWithExitOne) {
  config.hooks.pre_start = {MakeHook("migrate"), MakeHook("never")};
  config.processes.push_back(Proc("web", {"web"}));
  config.hooks.pre_stop = {MakeHook("bye")};  // nothing started: no stop hooks either
  Start();
  EndHook("migrate", 1);
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 1);
  EXPECT_EQ(os.spawns(), 1);  // the hook only
  EXPECT_EQ(Instance("web").state, "stopped");
  EXPECT_EQ(recorder.hooks.at(0).hook_result, "failure");
  EXPECT_EQ(recorder.hooks.at(0).exit_code, 1);
}

TEST_F(EngineHooksTest, PreStartRunsBeforeEachSpawnAndAFailureLeavesTheInstanceFailed) {
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.back().hooks.pre_start = {MakeHook("prep")};
  config.processes.push_back(Proc("other", {"other"}));
  Start();
  EXPECT_EQ(Pid("web"), 0);
  EXPECT_NE(Pid("other"), 0);  // its own lane: not held up by web's hook
  EndHook("prep");
  const pid_t first = Pid("web");
  ASSERT_NE(first, 0);
  EXPECT_EQ(recorder.hooks.at(0).process, "web");
  EXPECT_EQ(recorder.hooks.at(0).instance, "web-0");
  Advance(2000);
  os.Exit(first, 1);  // a crash: the restart runs prep again
  Settle();
  EXPECT_EQ(Pid("web"), 0);
  EXPECT_NE(Hook("prep"), 0);
  EndHook("prep", 2);
  EXPECT_EQ(Instance("web").state, "failed");
  EXPECT_EQ(Instance("web").reason, "pre_start hook 'prep' failed: exit code 2");
  EXPECT_EQ(Pid("web"), 0);
  EXPECT_EQ(Instance("other").state, "running");
  Command(ControlOp::kStart, "web");  // tries again, hook first
  EXPECT_NE(Hook("prep"), 0);
  EndHook("prep");
  EXPECT_EQ(Instance("web").state, "running");
  EXPECT_EQ(Instance("web").reason, "");
}

TEST_F(EngineHooksTest, PostStartFollowsTheSpawnAndItsFailureChangesNothing) {
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.back().hooks.post_start = {MakeHook("warm")};
  Start();
  const pid_t web = Pid("web");
  ASSERT_NE(web, 0);
  ASSERT_NE(Hook("warm"), 0);
  EXPECT_GT(Hook("warm"), web);  // spawned after the instance
  EndHook("warm", 1);
  EXPECT_EQ(Instance("web").state, "running");
  EXPECT_EQ(Pid("web"), web);
  EXPECT_EQ(recorder.hooks.at(0).hook_result, "failure");
}

TEST_F(EngineHooksTest, PreStopRunsBeforeTheStopSignalAndPostStopAfterTheExit) {
  config.processes.push_back(Proc("horizon", {"horizon"}));
  config.processes.back().hooks.pre_stop = {MakeHook("terminate")};
  config.processes.back().hooks.post_stop = {MakeHook("clean")};
  Start();
  const pid_t pid = Pid("horizon");
  Command(ControlOp::kStop, "horizon");
  EXPECT_EQ(Instance("horizon").state, "stopping");
  EXPECT_NE(Hook("terminate"), 0);
  EXPECT_EQ(SignalIndex(pid, SIGTERM), -1);
  Advance(2500);  // longer than shutdown.timeout (2 s): the kill timer starts after the hook
  EXPECT_EQ(SignalIndex(pid, SIGKILL), -1);
  EndHook("terminate");
  EXPECT_NE(SignalIndex(pid, SIGTERM), -1);
  EXPECT_FALSE(os.Alive(pid));  // ended by SIGTERM
  EXPECT_EQ(Instance("horizon").state, "stopped");
  EXPECT_NE(Hook("clean"), 0);
  EndHook("clean");
  ASSERT_EQ(recorder.hooks.size(), 2u);
  EXPECT_EQ(recorder.hooks[0].hook_type, "pre_stop");
  EXPECT_EQ(recorder.hooks[1].hook_type, "post_stop");
}

// horizon:terminate makes Horizon finish its jobs and exit by itself: no signal is needed then.
TEST_F(EngineHooksTest, AnInstanceThatExitsDuringItsPreStopGetsNoStopSignal) {
  config.processes.push_back(Proc("horizon", {"horizon"}));
  config.processes.back().hooks.pre_stop = {MakeHook("terminate")};
  config.processes.back().hooks.post_stop = {MakeHook("clean")};
  Start();
  const pid_t pid = Pid("horizon");
  Command(ControlOp::kStop, "horizon");
  os.Exit(pid, 0);
  Settle();
  EXPECT_EQ(Instance("horizon").state, "stopped");
  EXPECT_EQ(Hook("clean"), 0);  // waits for the pre_stop hook: one lane per instance
  EndHook("terminate");
  EXPECT_EQ(SignalIndex(pid, SIGTERM), -1);
  EXPECT_NE(Hook("clean"), 0);
}

TEST_F(EngineHooksTest, ARestartWaitsForThePostStopOfThePreviousRun) {
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.back().hooks.post_stop = {MakeHook("clean")};
  Start();
  Advance(2000);
  os.KillBy(Pid("web"), SIGKILL);
  Settle();
  EXPECT_EQ(Instance("web").state, "starting");
  EXPECT_EQ(Pid("web"), 0);
  EndHook("clean");
  EXPECT_NE(Pid("web"), 0);
}

TEST_F(EngineHooksTest, ShutdownRunsGlobalPreStopFirstAndPostStopLast) {
  config.hooks.pre_stop = {MakeHook("bye")};
  config.hooks.post_stop = {MakeHook("gone")};
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.back().hooks.post_stop = {MakeHook("clean")};
  Start();
  const pid_t web = Pid("web");
  Shutdown();
  EXPECT_TRUE(stopping.load());
  EXPECT_NE(Hook("bye"), 0);
  EXPECT_EQ(SignalIndex(web, SIGTERM), -1);
  EndHook("bye");
  EXPECT_NE(SignalIndex(web, SIGTERM), -1);
  EXPECT_NE(Hook("clean"), 0);
  EXPECT_EQ(Hook("gone"), 0);  // after the instances' own hooks
  EndHook("clean");
  EXPECT_NE(Hook("gone"), 0);
  EXPECT_FALSE(finished);
  EndHook("gone");
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 0);
}

TEST_F(EngineHooksTest, HookTimeCountsAgainstTheShutdownTimeout) {
  config.global.shutdown_timeout = milliseconds(1000);
  config.hooks.pre_stop = {MakeHook("hang", milliseconds(60000))};
  config.hooks.post_stop = {MakeHook("gone")};
  config.processes.push_back(Proc("web", {"web"}));
  Start();
  const pid_t web = Pid("web");
  Shutdown();
  const pid_t hang = Hook("hang");
  ASSERT_NE(hang, 0);
  Advance(999);
  EXPECT_FALSE(finished);
  EXPECT_TRUE(os.Alive(web));
  Advance(1);  // the deadline: the hook and every instance are killed, post-stop is skipped
  EXPECT_FALSE(os.Alive(hang));
  EXPECT_FALSE(os.Alive(web));
  EXPECT_EQ(Hook("gone"), 0);
  EXPECT_TRUE(finished);
  EXPECT_EQ(recorder.hooks.at(0).hook_result, "cancelled");
}

TEST_F(EngineHooksTest, AShutdownDuringGlobalPreStartRunsNoStopHooks) {
  config.hooks.pre_start = {MakeHook("migrate", milliseconds(300000))};
  config.hooks.pre_stop = {MakeHook("bye")};
  config.hooks.post_stop = {MakeHook("gone")};
  config.processes.push_back(Proc("web", {"web"}));
  Start();
  const pid_t migrate = Hook("migrate");
  Shutdown();
  EXPECT_EQ(os.CountSignals(-migrate, SIGTERM), 1u);
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 0);  // asked to stop: not a failure
  EXPECT_EQ(os.spawns(), 1);          // migrate only: no process, no stop hook
  ASSERT_EQ(recorder.hooks.size(), 1u);
  EXPECT_EQ(recorder.hooks[0].hook_result, "cancelled");
}

TEST_F(EngineHooksTest, AShutdownAbandonsAPreStartHookThatStillRuns) {
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.back().hooks.pre_start = {MakeHook("migrate", milliseconds(300000))};
  Start();
  const pid_t migrate = Hook("migrate");
  Shutdown();
  EXPECT_EQ(os.CountSignals(-migrate, SIGTERM), 1u);
  EXPECT_FALSE(os.Alive(migrate));
  EXPECT_TRUE(finished);
  EXPECT_EQ(os.spawns(), 1);  // web never started
}

// The loop never waits: a hook that never ends holds up no other process's restart.
TEST_F(EngineHooksTest, AHangingHookDoesNotDelayAnotherRestart) {
  config.processes.push_back(Proc("slow", {"slow"}));
  config.processes.back().hooks.post_start = {MakeHook("hang", milliseconds(600000))};
  config.processes.push_back(Proc("web", {"web"}));
  Start();
  ASSERT_NE(Hook("hang"), 0);
  Advance(2000);
  const pid_t web = Pid("web");
  os.KillBy(web, SIGKILL);
  Settle();  // the clock does not move: replaced in the same turns
  EXPECT_NE(Pid("web"), 0);
  EXPECT_NE(Pid("web"), web);
  EXPECT_NE(Hook("hang"), 0);
}

TEST_F(EngineHooksTest, GlobalPostStartWaitsForEveryBootProcess) {
  config.hooks.post_start = {MakeHook("up")};
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.back().hooks.pre_start = {MakeHook("prep")};
  config.processes.push_back(Proc("worker", {"worker"}));
  Start();
  EXPECT_EQ(Hook("up"), 0);
  EndHook("prep");
  EXPECT_NE(Hook("up"), 0);
  EndHook("up");
  EXPECT_EQ(recorder.hooks.back().hook, "up");
  EXPECT_EQ(recorder.hooks.back().hook_type, "post_start");
}

}  // namespace
}  // namespace phpeek::supervisor
