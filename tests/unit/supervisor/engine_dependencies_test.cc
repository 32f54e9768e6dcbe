// depends_on in the engine, on the fake clock and fake processes: the list form waits for ready
// (not for the spawn), the map form's four conditions, blocked with its reason (and one event),
// dependency_timeout, a start that starts what it waits for, blocked passed on down a chain, and
// no restart cascade.
#include <gtest/gtest.h>

#include <vector>

#include "tests/support/process_spec.h"
#include "tests/unit/supervisor/engine_fixture.h"

namespace phpeek::supervisor {
namespace {

using config::DependencyCondition;
using std::chrono::milliseconds;
using testing::Proc;

class BlockedEvents : public EventListener {
 public:
  void OnEvent(const Event& e) override {
    if (e.type == EventType::kDependencyBlocked) events.push_back(e);
  }
  std::vector<Event> events;
};

class EngineDependenciesTest : public EngineTest {
 protected:
  EngineDependenciesTest() { bus.AddListener(&blocked); }

  config::ProcessSpec& Add(const std::string& name,
                           config::ProcessType type = config::ProcessType::kLongrun) {
    config.processes.push_back(Proc(name, {name}));
    config.processes.back().type = type;
    return config.processes.back();
  }
  // A readiness-gating exec check: first probe 1 s after each spawn, then every 500 ms.
  void Check(config::ProcessSpec& p,
             config::HealthCheckMode mode = config::HealthCheckMode::kBoth) {
    config::HealthCheck hc;
    hc.type = config::HealthCheckType::kExec;
    hc.command.argv = {"check-" + p.name};
    hc.initial_delay = milliseconds(1000);
    hc.period = milliseconds(500);
    hc.timeout = milliseconds(300);
    hc.failure_threshold = 3;
    hc.mode = mode;
    p.health_check = hc;
  }
  static void DependsOn(config::ProcessSpec& p, const std::string& dep,
                        DependencyCondition c = DependencyCondition::kReady) {
    p.depends_on.push_back(dep);
    p.depends_on_condition.push_back(c);
  }
  // The probe just spawned, answered with `code`.
  void Probe(int code) {
    const pid_t probe = os.last_pid();
    ASSERT_TRUE(os.Alive(probe));
    os.Exit(probe, code);
    Settle();
  }
  bool Spawned(const std::string& name) { return os.PidOf(name + "-0") != 0; }
  std::vector<std::string> WaitingFor(const std::string& name) {
    return snapshots.GetOne(name)->waiting_for;
  }
  std::string Reason(const std::string& name) { return snapshots.GetOne(name)->reason; }

  BlockedEvents blocked;
};

TEST_F(EngineDependenciesTest, ListFormWaitsUntilTheDependencyIsReadyNotJustSpawned) {
  Check(Add("db"));
  DependsOn(Add("app"), "db");
  Start();
  ASSERT_TRUE(Spawned("db"));
  EXPECT_FALSE(Spawned("app"));
  EXPECT_EQ(State("app"), "starting");
  EXPECT_EQ(WaitingFor("app"), std::vector<std::string>{"db"});
  Advance(1000);
  Probe(1);  // not healthy yet: still waiting
  EXPECT_FALSE(Spawned("app"));
  Advance(500);
  Probe(0);
  EXPECT_TRUE(Spawned("app"));
  EXPECT_TRUE(WaitingFor("app").empty());
  EXPECT_EQ(State("app"), "running");
  EXPECT_TRUE(blocked.events.empty());
}

TEST_F(EngineDependenciesTest, ProcessStartedWaitsForTheSpawnOnly) {
  Check(Add("db"));
  DependsOn(Add("app"), "db", DependencyCondition::kStarted);
  Start();
  EXPECT_TRUE(Spawned("db"));
  EXPECT_TRUE(Spawned("app"));
  EXPECT_EQ(Instance("db").health->health, "unknown");
}

// process_healthy asks for a passing check whatever its mode; the list form only for a check
// that gates readiness.
TEST_F(EngineDependenciesTest, ProcessHealthyWaitsForALivenessCheckTheListFormIgnores) {
  Check(Add("db"), config::HealthCheckMode::kLiveness);
  DependsOn(Add("listed"), "db");
  DependsOn(Add("healthy"), "db", DependencyCondition::kHealthy);
  Start();
  EXPECT_TRUE(Spawned("listed"));
  EXPECT_FALSE(Spawned("healthy"));
  EXPECT_EQ(WaitingFor("healthy"), std::vector<std::string>{"db"});
  Advance(1000);
  Probe(0);
  EXPECT_TRUE(Spawned("healthy"));
}

// A oneshot is ready once it has completed, not while it runs (the API's "ready", the list form).
TEST_F(EngineDependenciesTest, AOneshotIsReadyOnlyOnceCompleted) {
  Add("migrate", config::ProcessType::kOneshot);
  DependsOn(Add("app"), "migrate");
  Start();
  EXPECT_EQ(State("migrate"), "running");
  EXPECT_FALSE(snapshots.GetOne("migrate")->ready);
  EXPECT_FALSE(Spawned("app"));
  os.Exit(Pid("migrate"), 0);
  Settle();
  EXPECT_TRUE(snapshots.GetOne("migrate")->ready);
  EXPECT_TRUE(Spawned("app"));
}

TEST_F(EngineDependenciesTest, CompletedSuccessfullyWaitsForExitZero) {
  Add("migrate", config::ProcessType::kOneshot);
  DependsOn(Add("app"), "migrate", DependencyCondition::kCompletedSuccessfully);
  Start();
  EXPECT_FALSE(Spawned("app"));
  EXPECT_EQ(WaitingFor("app"), std::vector<std::string>{"migrate"});
  os.Exit(Pid("migrate"), 0);
  Settle();
  EXPECT_EQ(State("migrate"), "completed");
  EXPECT_TRUE(Spawned("app"));
}

// The fix over the original: dependents of a failed migrate no longer hang silently in starting.
TEST_F(EngineDependenciesTest, AFailedOneshotBlocksItsDependentsWithTheReasonOnce) {
  Add("migrate", config::ProcessType::kOneshot).restart = config::RestartPolicy::kNever;
  DependsOn(Add("app", config::ProcessType::kLongrun), "migrate",
            DependencyCondition::kCompletedSuccessfully);
  config.processes.back().scale = 2;
  DependsOn(Add("worker"), "migrate");  // the list form: ready = completed with exit 0
  Start();
  os.Exit(Pid("migrate"), 3);
  Settle();
  EXPECT_EQ(State("migrate"), "failed");
  for (const char* name : {"app", "worker"}) {
    EXPECT_EQ(State(name), "blocked") << name;
    EXPECT_EQ(Reason(name), "'migrate' failed (exit code 3)") << name;
    EXPECT_EQ(Instance(name).state, "blocked") << name;
    EXPECT_EQ(Instance(name).reason, "'migrate' failed (exit code 3)") << name;
    EXPECT_FALSE(Spawned(name));
  }
  EXPECT_EQ(Instance("app", 1).state, "blocked");
  Advance(5000);
  ASSERT_EQ(blocked.events.size(), 2u);  // once each, however long it stays blocked
  EXPECT_EQ(blocked.events[0].process, "app");
  EXPECT_EQ(blocked.events[0].dependency, "migrate");
  EXPECT_EQ(blocked.events[0].reason, "'migrate' failed (exit code 3)");
  EXPECT_EQ(blocked.events[0].waiting, std::vector<std::string>{"migrate"});
}

TEST_F(EngineDependenciesTest, ProcessCompletedAcceptsAnyExitCode) {
  Add("seed", config::ProcessType::kOneshot).restart = config::RestartPolicy::kNever;
  DependsOn(Add("app"), "seed", DependencyCondition::kCompleted);
  Start();
  EXPECT_FALSE(Spawned("app"));
  os.Exit(Pid("seed"), 1);
  Settle();
  EXPECT_EQ(State("seed"), "failed");
  EXPECT_TRUE(Spawned("app"));
  EXPECT_TRUE(blocked.events.empty());
}

TEST_F(EngineDependenciesTest, DependencyTimeoutBlocksAndAStartWaitsAgain) {
  Check(Add("db"));
  auto& app = Add("app");
  DependsOn(app, "db");
  app.dependency_timeout = milliseconds(2000);
  Start();
  Advance(1999);
  EXPECT_EQ(State("app"), "starting");
  EXPECT_TRUE(Reason("app").empty());
  Advance(1);
  EXPECT_EQ(State("app"), "blocked");
  EXPECT_EQ(Reason("app"), "dependency_timeout (2s) passed waiting for db");
  ASSERT_EQ(blocked.events.size(), 1u);
  EXPECT_EQ(blocked.events[0].dependency, "db");
  Command(ControlOp::kStart, "app");  // a new wait, with its own timeout
  EXPECT_EQ(State("app"), "starting");
  EXPECT_EQ(WaitingFor("app"), std::vector<std::string>{"db"});
  Probe(0);  // db's probe, due since 1 s, passes: app starts after all
  EXPECT_TRUE(Spawned("app"));
}

TEST_F(EngineDependenciesTest, AGivenUpDependencyBlocksAndAStartOfTheDependentStartsIt) {
  Check(Add("redis"));
  DependsOn(Add("horizon"), "redis");
  Start();
  for (int delay : {0, 100, 200, 250}) {  // quick failures until given up (max 4 attempts)
    Advance(delay);
    os.Exit(Pid("redis"), 1);
    Settle();
  }
  ASSERT_EQ(State("redis"), "failed");
  EXPECT_EQ(State("horizon"), "blocked");
  EXPECT_EQ(Reason("horizon"), "'redis' failed (exit code 1)");
  EXPECT_FALSE(Spawned("horizon"));
  Command(ControlOp::kStart, "horizon");  // systemd's Requires=: redis is started again
  EXPECT_TRUE(Spawned("redis"));
  EXPECT_EQ(State("horizon"), "starting");  // waiting again, no longer blocked
  EXPECT_TRUE(Reason("horizon").empty());
  Advance(1000);
  Probe(0);
  EXPECT_EQ(State("horizon"), "running");
  EXPECT_EQ(blocked.events.size(), 1u);
}

TEST_F(EngineDependenciesTest, AStoppedDependencyBlocksUntilAStartStartsIt) {
  Add("db").initial_state = config::InitialState::kStopped;
  DependsOn(Add("app"), "db");
  Start();
  EXPECT_EQ(State("db"), "stopped");
  EXPECT_EQ(State("app"), "blocked");
  EXPECT_EQ(Reason("app"), "'db' is stopped");
  Command(ControlOp::kStart, "app");
  EXPECT_TRUE(Spawned("db"));
  EXPECT_TRUE(Spawned("app"));
}

// Blocked passes down a chain (a dependent listed before its dependency too), and a start at the
// end of the chain starts the failed process at its root.
TEST_F(EngineDependenciesTest, BlockedPassesDownAChainAndAStartReachesItsRoot) {
  DependsOn(Add("web"), "app");
  DependsOn(Add("app"), "db");
  auto& db = Add("db");
  db.restart = config::RestartPolicy::kNever;
  Check(db);
  Start();
  os.Exit(Pid("db"), 2);
  Settle();
  EXPECT_EQ(Reason("app"), "'db' failed (exit code 2)");
  EXPECT_EQ(State("web"), "blocked");
  EXPECT_EQ(Reason("web"), "'app' is blocked: 'db' failed (exit code 2)");
  EXPECT_EQ(blocked.events.size(), 2u);
  Command(ControlOp::kStart, "web");
  EXPECT_TRUE(Spawned("db"));
  EXPECT_EQ(State("web"), "starting");
  Advance(1000);
  Probe(0);
  EXPECT_TRUE(Spawned("app"));
  EXPECT_TRUE(Spawned("web"));
}

// A running dependent keeps running while its dependency restarts, by command or by crash.
TEST_F(EngineDependenciesTest, NoRestartCascade) {
  Add("db");
  DependsOn(Add("app"), "db");
  Start();
  const pid_t app = Pid("app");
  ASSERT_NE(app, 0);
  Command(ControlOp::kRestart, "db");
  os.Exit(Pid("db"), 0);  // it ends on the stop signal
  Settle();
  os.Exit(Pid("db"), 1);  // and crashes once: backoff
  Settle();
  Advance(100);
  EXPECT_EQ(State("db"), "running");
  EXPECT_EQ(Pid("app"), app);
  EXPECT_EQ(State("app"), "running");
  EXPECT_EQ(os.CountSignals(-app, SIGTERM), 0u);
}

// A dependent that restarts while its dependency is down waits for it again.
TEST_F(EngineDependenciesTest, ADependentRestartingWhileItsDependencyIsDownWaitsAgain) {
  Add("db");
  DependsOn(Add("app"), "db");
  Start();
  Command(ControlOp::kStop, "db");
  os.Exit(Pid("db"), 0);
  Settle();
  os.Exit(Pid("app"), 0);  // a clean exit: restarted at once, but db is stopped
  Settle();
  EXPECT_FALSE(Spawned("app"));
  EXPECT_EQ(State("app"), "blocked");
  EXPECT_EQ(Reason("app"), "'db' is stopped");
}

}  // namespace
}  // namespace phpeek::supervisor
