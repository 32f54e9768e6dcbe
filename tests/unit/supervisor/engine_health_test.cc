// Health checks in the engine, on the fake clock and fake processes: exec probes are fake children
// the test makes pass (exit 0), fail or hang, so that thresholds, timeouts, the liveness restart
// through the stop path, readiness and critical processes are checked to the millisecond.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/support/process_spec.h"
#include "tests/unit/supervisor/engine_fixture.h"

namespace phpeek::supervisor {
namespace {

using std::chrono::milliseconds;
using testing::Proc;

class EngineHealthTest : public EngineTest {
 protected:
  // A process with an exec check: first probe 1 s after each spawn, then every 500 ms.
  config::ProcessSpec& Checked(const std::string& name, config::HealthCheckMode mode,
                               int failures = 2, int passes = 1) {
    config.processes.push_back(Proc(name, {name}));
    config::HealthCheck hc;
    hc.type = config::HealthCheckType::kExec;
    hc.command.argv = {"check-" + name};
    hc.initial_delay = milliseconds(1000);
    hc.period = milliseconds(500);
    hc.timeout = milliseconds(300);
    hc.failure_threshold = failures;
    hc.success_threshold = passes;
    hc.mode = mode;
    config.processes.back().health_check = hc;
    return config.processes.back();
  }
  // The probe that was just spawned, answered with `code`.
  void Probe(int code) {
    const pid_t probe = os.last_pid();
    ASSERT_TRUE(os.Alive(probe));
    os.Exit(probe, code);
    Settle();
  }
  std::string Health(const std::string& process) {
    const auto h = Instance(process).health;
    return h ? h->health : "(none)";
  }
};

TEST_F(EngineHealthTest, NoProbeBeforeInitialDelayThenEveryPeriod) {
  Checked("web", config::HealthCheckMode::kBoth);
  Start();
  EXPECT_EQ(os.spawns(), 1);
  EXPECT_EQ(Health("web"), "unknown");
  Advance(999);
  EXPECT_EQ(os.spawns(), 1);
  Advance(1);
  EXPECT_EQ(os.spawns(), 2);  // the first probe
  Advance(100);
  Probe(0);
  Advance(399);
  EXPECT_EQ(os.spawns(), 2);
  Advance(1);
  EXPECT_EQ(os.spawns(), 3);  // period counted from the previous probe's start
}

// The original counted a failing first probe as ready: here an instance is ready only once healthy.
TEST_F(EngineHealthTest, ReadyOnlyAfterSuccessThresholdPasses) {
  Checked("web", config::HealthCheckMode::kBoth, 3, 2);
  Start();
  EXPECT_EQ(Instance("web").state, "running");
  EXPECT_FALSE(Instance("web").ready);
  EXPECT_FALSE(snapshots.GetOne("web")->ready);
  EXPECT_FALSE(snapshots.Readiness().ready);
  EXPECT_EQ(snapshots.Readiness().waiting, std::vector<std::string>{"web"});
  Advance(1000);
  Probe(1);
  EXPECT_EQ(Health("web"), "unknown");
  EXPECT_FALSE(Instance("web").ready);
  Advance(500);
  Probe(0);
  EXPECT_EQ(Health("web"), "unknown");
  Advance(500);
  Probe(0);
  EXPECT_EQ(Health("web"), "healthy");
  EXPECT_TRUE(Instance("web").ready);
  EXPECT_TRUE(snapshots.GetOne("web")->ready);
  EXPECT_TRUE(snapshots.Readiness().ready);
  EXPECT_TRUE(snapshots.Readiness().waiting.empty());
  EXPECT_EQ(Instance("web").health->passed, 2u);
  EXPECT_EQ(Instance("web").health->failed, 1u);
  EXPECT_EQ(Instance("web").health->last_failure, "exit code 1");
}

// A process reload (reload_signal): each running instance gets the signal, and one with a
// readiness check is not ready again until a probe (started at once) passes: what `reload --wait`
// waits for.
TEST_F(EngineHealthTest, AReloadSignalsEachInstanceAndWaitsForItsReadinessAgain) {
  Checked("fpm", config::HealthCheckMode::kReadiness).reload_signal = SIGUSR2;
  config.processes.back().scale = 2;
  Start();
  Advance(1000);
  for (int i = 0; i < 2; ++i) os.Exit(os.last_pid() - i, 0);  // both first probes pass
  Settle();
  ASSERT_TRUE(Instance("fpm", 0).ready);
  ASSERT_TRUE(Instance("fpm", 1).ready);
  const int spawns = os.spawns();
  Command(ControlOp::kReload, "fpm");
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(os.CountSignals(Pid("fpm", i), SIGUSR2), 1u) << i;
    EXPECT_EQ(os.CountSignals(-Pid("fpm", i), SIGUSR2), 0u) << i;  // not the group
    EXPECT_EQ(Instance("fpm", i).reloads, 1u);
    EXPECT_FALSE(Instance("fpm", i).ready) << i;
    EXPECT_EQ(Instance("fpm", i).health->health, "unknown");
  }
  EXPECT_FALSE(snapshots.GetOne("fpm")->ready);
  EXPECT_EQ(os.spawns(), spawns + 2);  // a probe for each at once, not after initial_delay
  os.Exit(os.last_pid(), 0);
  os.Exit(os.last_pid() - 1, 0);
  Settle();
  EXPECT_TRUE(Instance("fpm", 0).ready);
  EXPECT_TRUE(Instance("fpm", 1).ready);
  EXPECT_EQ(Instance("fpm", 0).restart_count, 0u);  // reloaded, not restarted
}

TEST_F(EngineHealthTest, LivenessFailureStopsThroughTheStopPathThenRestartsUnderThePolicy) {
  config::ProcessSpec& web = Checked("web", config::HealthCheckMode::kLiveness);
  web.shutdown.signal = SIGQUIT;
  web.shutdown.timeout = milliseconds(2000);
  os.SpawnIgnoringTerm(true);  // SIGQUIT ignored: the stop timeout ends it
  Start();
  const pid_t pid = Pid("web");
  Advance(1000);
  Probe(1);
  EXPECT_EQ(Instance("web").state, "running");
  Advance(500);
  Probe(1);  // failure_threshold 2: unhealthy, restarted
  EXPECT_EQ(Health("web"), "unhealthy");
  EXPECT_EQ(Instance("web").state, "stopping");
  EXPECT_EQ(os.CountSignals(-pid, SIGQUIT), 1u);  // its stop signal, to its whole group
  EXPECT_EQ(os.CountSignals(-pid, SIGCONT), 1u);
  Advance(600);
  EXPECT_EQ(os.spawns(), 3) << "no probe while stopping";
  Advance(1399);
  EXPECT_EQ(os.CountSignals(-pid, SIGKILL), 0u);
  Advance(1);  // its shutdown.timeout: SIGKILL to the group
  EXPECT_GE(os.CountSignals(-pid, SIGKILL), 1u);
  EXPECT_FALSE(os.Alive(pid));
  // Never healthy in that run: a quick failure, so the restart waits the backoff.
  EXPECT_EQ(Instance("web").state, "backoff");
  Advance(100);
  EXPECT_EQ(Instance("web").state, "running");
  EXPECT_NE(Pid("web"), pid);
  EXPECT_EQ(Instance("web").restart_count, 1u);
  EXPECT_EQ(Health("web"), "unknown");  // a new run starts unknown
}

TEST_F(EngineHealthTest, AnInstanceThatWasHealthyIsRestartedAtOnce) {
  Checked("web", config::HealthCheckMode::kBoth, 1);
  Start();
  Advance(1000);
  Probe(0);
  EXPECT_EQ(Health("web"), "healthy");
  const pid_t pid = Pid("web");
  Advance(500);
  Probe(7);  // failure_threshold 1
  EXPECT_FALSE(os.Alive(pid));
  EXPECT_EQ(Instance("web").state, "running");  // a stable run: restarted without delay
  EXPECT_NE(Pid("web"), pid);
}

TEST_F(EngineHealthTest, AnInstanceThatNeverBecomesHealthyIsGivenUp) {
  config.global.max_restart_attempts = 2;
  Checked("web", config::HealthCheckMode::kBoth, 1);
  Start();
  Advance(1000);
  Probe(1);
  EXPECT_EQ(Instance("web").state, "backoff");
  Advance(100);
  Advance(1000);
  Probe(1);
  EXPECT_EQ(Instance("web").state, "failed");
  EXPECT_EQ(snapshots.Readiness().failed, std::vector<std::string>{"web"});
}

TEST_F(EngineHealthTest, ReadinessFailureNeverRestarts) {
  Checked("web", config::HealthCheckMode::kReadiness, 1);
  Start();
  const pid_t pid = Pid("web");
  Advance(1000);
  Probe(0);
  EXPECT_TRUE(Instance("web").ready);
  Advance(500);
  Probe(1);
  EXPECT_EQ(Health("web"), "unhealthy");
  EXPECT_FALSE(Instance("web").ready);
  EXPECT_FALSE(snapshots.Readiness().ready);
  EXPECT_EQ(Pid("web"), pid);
  EXPECT_EQ(os.CountSignals(-pid, SIGTERM), 0u);
  Advance(500);
  Probe(0);
  EXPECT_TRUE(Instance("web").ready);
  EXPECT_TRUE(snapshots.Readiness().ready);
}

// A liveness-only check does not decide readiness: running is ready.
TEST_F(EngineHealthTest, LivenessOnlyCheckLeavesReadinessToRunning) {
  Checked("web", config::HealthCheckMode::kLiveness);
  Start();
  EXPECT_EQ(Health("web"), "unknown");
  EXPECT_TRUE(Instance("web").ready);
  EXPECT_TRUE(snapshots.Readiness().ready);
}

TEST_F(EngineHealthTest, AHungExecProbeHasItsGroupKilledAtTheTimeout) {
  Checked("web", config::HealthCheckMode::kBoth, 5);
  Start();
  Advance(1000);
  const pid_t probe = os.last_pid();
  Advance(299);
  EXPECT_TRUE(os.Alive(probe));
  Advance(1);
  EXPECT_EQ(os.CountSignals(-probe, SIGKILL), 1u);
  EXPECT_FALSE(os.Alive(probe));
  EXPECT_EQ(Instance("web").state, "running");
  Advance(199);
  EXPECT_EQ(os.last_pid(), probe);
  Advance(1);  // the next probe: 500 ms after the hung one started
  EXPECT_NE(os.last_pid(), probe);
  Advance(800);  // counters reach the snapshot a second after the first result at the latest
  EXPECT_EQ(Instance("web").health->failed, 2u);
  EXPECT_EQ(Instance("web").health->last_failure, "timed out after 300ms");
  EXPECT_EQ(Instance("web").health->consecutive_failures, 2);
}

TEST_F(EngineHealthTest, ShutdownEndsProbesAndRestartsNothing) {
  Checked("web", config::HealthCheckMode::kBoth, 1);
  Start();
  Advance(1000);
  const pid_t probe = os.last_pid();
  const int spawns = os.spawns();
  Shutdown();
  EXPECT_FALSE(os.Alive(probe));  // the probe in flight is killed with its group
  Advance(2000);
  EXPECT_EQ(os.spawns(), spawns);
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 0);
}

TEST_F(EngineHealthTest, AStopCommandDuringALivenessStopIsKept) {
  config::ProcessSpec& web = Checked("web", config::HealthCheckMode::kBoth, 1);
  web.shutdown.timeout = milliseconds(2000);
  os.SpawnIgnoringTerm(true);
  Start();
  Advance(1000);
  os.SpawnIgnoringTerm(false);
  Probe(1);
  EXPECT_EQ(Instance("web").state, "stopping");
  Command(ControlOp::kStop, "web");
  Advance(2000);
  EXPECT_EQ(Instance("web").state, "stopped");
  Advance(1000);
  EXPECT_EQ(Instance("web").state, "stopped");
}

TEST_F(EngineHealthTest, GivenUpCriticalProcessShutsTheDaemonDownWithExitCode1) {
  config.global.max_restart_attempts = 1;
  config.processes.push_back(Proc("worker", {"worker"}));
  config.processes.push_back(Proc("fpm", {"fpm"}));
  config.processes.back().critical = true;
  Start();
  const pid_t worker = Pid("worker");
  os.Exit(Pid("fpm"), 1);  // max_restart_attempts 1: given up at once
  Settle();
  EXPECT_TRUE(stopping.load());
  EXPECT_EQ(os.CountSignals(-worker, SIGTERM), 1u);
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 1);
}

TEST_F(EngineHealthTest, FailedCriticalOneshotShutsDownButACompletedOneDoesNot) {
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.push_back(Proc("migrate", {"migrate"}));
  config.processes.back().type = config::ProcessType::kOneshot;
  config.processes.back().restart = config::RestartPolicy::kNever;
  config.processes.back().critical = true;
  Start();
  os.Exit(Pid("migrate"), 0);
  Settle();
  EXPECT_EQ(Instance("migrate").state, "completed");
  EXPECT_FALSE(stopping.load());
  Command(ControlOp::kRestart, "migrate");
  os.Exit(Pid("migrate"), 2);
  Settle();
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 1);
}

TEST_F(EngineHealthTest, NonCriticalGivenUpKeepsTheDaemonRunning) {
  config.global.max_restart_attempts = 1;
  config.processes.push_back(Proc("worker", {"worker"}));
  config.processes.push_back(Proc("flaky", {"flaky"}));
  Start();
  os.Exit(Pid("flaky"), 1);
  Settle();
  EXPECT_EQ(Instance("flaky").state, "failed");
  EXPECT_FALSE(stopping.load());
  EXPECT_FALSE(finished);
}

// The tracked set: global.readiness.processes, else every enabled longrun that starts at boot.
TEST_F(EngineHealthTest, ReadinessTracksTheListedProcessesOrEveryBootLongrun) {
  config.processes.push_back(Proc("web", {"web"}));
  config.processes.push_back(Proc("manual", {"manual"}));
  config.processes.back().initial_state = config::InitialState::kStopped;
  Checked("slow", config::HealthCheckMode::kReadiness);
  config.global.readiness.processes = {"web"};
  Start();
  EXPECT_TRUE(snapshots.Readiness().ready);  // only web is tracked
  config.global.readiness.processes.clear();
  Command(ControlOp::kStop, "web");  // a snapshot is published: evaluated again
  const ReadinessStatus r = snapshots.Readiness();
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.waiting, (std::vector<std::string>{"web", "slow"}));
}

struct ReadinessEvents : EventListener {
  void OnEvent(const Event& e) override {
    if (e.type == EventType::kReadinessChanged) seen.push_back(e.new_state);
  }
  std::vector<std::string> seen;
};

// Readiness is announced once the engine runs (listeners are added before Start), also when
// nothing is tracked and nothing changes after the start.
TEST_F(EngineHealthTest, ReadinessIsAnnouncedFromTheStartOn) {
  config.processes.push_back(Proc("migrate", {"migrate"}));
  config.processes.back().type = config::ProcessType::kOneshot;  // not tracked by default
  ReadinessEvents events;
  bus.AddListener(&events);
  EXPECT_FALSE(snapshots.Readiness().ready);  // built, not started
  Start();
  EXPECT_TRUE(snapshots.Readiness().ready);
  EXPECT_EQ(events.seen, std::vector<std::string>{"ready"});
  Shutdown();
  EXPECT_FALSE(snapshots.Readiness().ready);
  EXPECT_EQ(events.seen, (std::vector<std::string>{"ready", "not ready"}));
}

TEST_F(EngineHealthTest, AllRunningModeIgnoresHealth) {
  Checked("web", config::HealthCheckMode::kBoth);
  config.global.readiness.mode = config::ReadinessMode::kAllRunning;
  Start();
  EXPECT_FALSE(Instance("web").ready);
  EXPECT_TRUE(snapshots.Readiness().ready);
}

}  // namespace
}  // namespace phpeek::supervisor
