// The engine driven turn by turn on a fake clock and fake processes (fake_os.h): the restart rule
// (backoff, min_uptime, clean exits, give-up), the stop timeout, suspended instances and the
// shutdown deadline, each to the millisecond and without a real process.
#include "core/supervisor/engine.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "core/log/log.h"
#include "tests/support/process_spec.h"
#include "tests/support/test_support.h"
#include "tests/unit/supervisor/engine_fixture.h"
#include "tests/unit/supervisor/fake_os.h"

namespace phpeek::supervisor {
namespace {

using std::chrono::milliseconds;
using testing::Proc;

// A signal from the API: to each instance's main process, or to its process group; stopped
// instances are skipped.
TEST_F(EngineTest, ASignalGoesToEachInstancesLeaderOrGroup) {
  config.processes.push_back(Proc("worker", {"worker"}));
  config.processes.back().scale = 2;
  Start();
  Command(ControlOp::kSignal, "worker", SIGUSR1);
  Command(ControlOp::kSignalGroup, "worker", SIGWINCH);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(os.CountSignals(Pid("worker", i), SIGUSR1), 1u) << i;
    EXPECT_EQ(os.CountSignals(-Pid("worker", i), SIGUSR1), 0u) << i;
    EXPECT_EQ(os.CountSignals(-Pid("worker", i), SIGWINCH), 1u) << i;
    EXPECT_EQ(Instance("worker", i).reloads, 0u);
  }
  Command(ControlOp::kStop, "worker");
  const size_t sent = os.signals().size();
  Command(ControlOp::kSignal, "worker", SIGUSR1);
  EXPECT_EQ(os.signals().size(), sent);  // nothing to signal
}

TEST_F(EngineTest, QuickFailuresWaitTheDoublingBackoffThenAreGivenUp) {
  config.processes.push_back(Proc("crash", {"crash"}));
  Start();
  ASSERT_EQ(os.spawns(), 1);
  for (int delay : {100, 200, 250}) {  // 400 is capped at restart_backoff_max
    const int spawns = os.spawns();
    Advance(10);
    os.Exit(Pid("crash"), 3);
    Settle();
    EXPECT_EQ(Instance("crash").state, "backoff");
    Advance(delay - 1);
    EXPECT_EQ(os.spawns(), spawns) << delay;
    Advance(1);
    EXPECT_EQ(os.spawns(), spawns + 1) << delay;
    EXPECT_EQ(Instance("crash").state, "running");
  }
  Advance(10);
  os.Exit(Pid("crash"), 3);  // the 4th quick failure: max_restart_attempts
  Settle();
  EXPECT_EQ(Instance("crash").state, "failed");
  EXPECT_EQ(Instance("crash").restart_count, 3u);
  EXPECT_TRUE(finished);  // every process has ended, badly
  EXPECT_EQ(engine->exit_code(), 1);
}

TEST_F(EngineTest, RunOfMinUptimeRestartsAtOnceAndResetsTheCount) {
  config.global.max_restart_attempts = 2;
  config.processes.push_back(Proc("web", {"web"}));
  Start();
  os.Exit(Pid("web"), 1);  // quick failure 1 of 2
  Settle();
  Advance(100);
  ASSERT_EQ(os.spawns(), 2);
  Advance(1000);  // min_uptime (default 1 s): a stable run
  os.KillBy(Pid("web"), SIGKILL);
  Settle();
  EXPECT_EQ(os.spawns(), 3);  // at once: the clock did not move
  EXPECT_EQ(Instance("web").state, "running");
  os.Exit(Pid("web"), 1);  // quick failure 1 again, not 2: no give-up
  Settle();
  EXPECT_EQ(Instance("web").state, "backoff");
  Advance(100);
  EXPECT_EQ(os.spawns(), 4);
}

TEST_F(EngineTest, MinUptimeIsPerProcess) {
  config.global.min_uptime = milliseconds(500);
  config.processes.push_back(Proc("a", {"a"}));
  config.processes.back().min_uptime = milliseconds(500);  // as the loader resolves it
  config.processes.push_back(Proc("b", {"b"}));
  config.processes.back().min_uptime = milliseconds(2000);
  Start();
  Advance(1500);
  os.KillBy(Pid("a"), SIGKILL);
  os.KillBy(Pid("b"), SIGKILL);
  Settle();
  EXPECT_EQ(Instance("a").state, "running");
  EXPECT_EQ(Instance("b").state, "backoff");
}

TEST_F(EngineTest, CleanExitsRestartAtOnceAndNeverCount) {
  config.global.max_restart_attempts = 2;
  config.processes.push_back(Proc("worker", {"worker"}));
  Start();
  for (int run = 1; run <= 50; ++run) {
    Advance(100);
    os.Exit(Pid("worker"), 0);
    Settle();
    ASSERT_EQ(os.spawns(), run + 1) << run;
    ASSERT_EQ(Instance("worker").state, "running") << run;
  }
  EXPECT_EQ(Instance("worker").restart_count, 50u);
  EXPECT_FALSE(finished);
}

TEST_F(EngineTest, CleanExitUnderOnFailureEndsTheInstance) {
  config.processes.push_back(Proc("job", {"job"}));
  config.processes.back().restart = config::RestartPolicy::kOnFailure;
  Start();
  os.Exit(Pid("job"), 0);
  Settle();
  EXPECT_EQ(Instance("job").state, "stopped");
  EXPECT_EQ(os.spawns(), 1);
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 0);
}

TEST_F(EngineTest, FailedSpawnsBackOffToo) {
  config.processes.push_back(Proc("missing", {"missing"}));
  os.FailSpawns(1);
  Start();
  EXPECT_EQ(Instance("missing").state, "backoff");
  EXPECT_EQ(Instance("missing").last_exit_code, 127);
  Advance(100);
  EXPECT_EQ(Instance("missing").state, "running");
}

TEST_F(EngineTest, StopTimeoutEndsInSigkillOfTheGroup) {
  config.processes.push_back(Proc("stubborn", {"stubborn"}));
  config.processes.back().shutdown.timeout = milliseconds(3000);
  os.SpawnIgnoringTerm(true);
  Start();
  const pid_t pid = Pid("stubborn");
  Command(ControlOp::kStop, "stubborn");
  EXPECT_EQ(os.CountSignals(-pid, SIGTERM), 1u);
  EXPECT_EQ(os.CountSignals(-pid, SIGCONT), 1u);  // after the stop signal: a stopped group hears it
  EXPECT_EQ(Instance("stubborn").state, "stopping");
  Advance(2999);
  EXPECT_EQ(os.CountSignals(-pid, SIGKILL), 0u);
  Advance(1);
  EXPECT_GE(os.CountSignals(-pid, SIGKILL), 1u);
  EXPECT_EQ(Instance("stubborn").state, "stopped");
  EXPECT_EQ(Instance("stubborn").last_signal, SIGKILL);
}

TEST_F(EngineTest, SuspendedInstanceIsShownAndItsStopDoesNotWait) {
  config.processes.push_back(Proc("web", {"web"}, 2));
  Start();
  const pid_t pid = Pid("web");
  os.Stop(pid);
  Settle();
  EXPECT_EQ(Instance("web").state, "suspended");
  EXPECT_EQ(State("web"), "degraded");
  os.Continue(pid);
  Settle();
  EXPECT_EQ(Instance("web").state, "running");
  EXPECT_EQ(State("web"), "running");
  os.Stop(pid);
  Settle();
  Command(ControlOp::kRestart, "web");  // rolling, web-0 first; the clock does not move
  const auto& sig = os.signals();
  const auto term = std::find(sig.begin(), sig.end(), std::make_pair(-pid, SIGTERM));
  ASSERT_NE(term, sig.end());
  ASSERT_NE(term + 1, sig.end());
  EXPECT_EQ(*(term + 1), std::make_pair(-pid, SIGCONT));
  EXPECT_FALSE(os.Alive(pid));                    // ended by the stop signal at once, no timeout
  EXPECT_EQ(os.CountSignals(-pid, SIGKILL), 1u);  // only the sweep of its group after its exit
  EXPECT_NE(Pid("web"), pid);
  EXPECT_EQ(Instance("web").state, "running");
  EXPECT_EQ(Instance("web", 1).state, "running");
}

TEST_F(EngineTest, ShutdownDeadlineSweepsUntilNoChildIsLeft) {
  config.processes.push_back(Proc("app", {"app"}));
  config.processes.back().shutdown.timeout = milliseconds(60000);  // the global bound wins
  os.SpawnIgnoringTerm(true);
  Start();
  const pid_t app = Pid("app");
  // A daemonized grandchild that ignores SIGTERM, and its child, which comes to us only once the
  // grandchild is gone.
  const pid_t orphan = os.AddOrphan(true);
  os.OrphanOnDeath(orphan);
  Shutdown();
  EXPECT_EQ(os.CountSignals(-app, SIGTERM), 1u);
  EXPECT_TRUE(stopping.load());
  Advance(999);
  EXPECT_EQ(os.CountSignals(-app, SIGKILL), 0u);
  EXPECT_FALSE(finished);
  Advance(1);  // the deadline
  EXPECT_FALSE(os.Alive(app));
  EXPECT_FALSE(os.Alive(orphan));
  const pid_t late = os.last_pid();
  ASSERT_NE(late, orphan);
  EXPECT_EQ(os.CountSignals(late, SIGKILL), 1u);  // the sweep goes on after the first SIGKILL
  EXPECT_TRUE(os.List().empty());
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 0);
}

TEST_F(EngineTest, LeftoversGetSigtermOnceBeforeTheDeadline) {
  config.processes.push_back(Proc("app", {"app"}));
  Start();
  const pid_t stubborn = os.AddOrphan(true);
  const pid_t polite = os.AddOrphan(false);
  Shutdown();  // the instance ends on SIGTERM; the orphans are swept next
  EXPECT_FALSE(os.Alive(polite));
  EXPECT_EQ(os.CountSignals(stubborn, SIGTERM), 1u);
  EXPECT_EQ(os.CountSignals(stubborn, SIGCONT), 1u);
  Advance(500);
  EXPECT_EQ(os.CountSignals(stubborn, SIGTERM), 1u);  // once
  EXPECT_FALSE(finished);
  Advance(500);
  EXPECT_FALSE(os.Alive(stubborn));
  EXPECT_TRUE(finished);
}

TEST_F(EngineTest, ChildrenThatSurviveSigkillAreLeftAfterTheGrace) {
  config.processes.push_back(Proc("app", {"app"}));
  Start();
  const pid_t stuck = os.AddOrphan(true);
  os.Find(stuck)->unkillable = true;
  Shutdown();
  Advance(1000);
  EXPECT_FALSE(finished);
  Advance(static_cast<int>(Engine::kSweepGrace.count()) - 1);
  EXPECT_FALSE(finished);
  Advance(1);
  EXPECT_TRUE(finished);
  EXPECT_GE(os.CountSignals(stuck, SIGKILL), 2u);  // swept again and again meanwhile
}

TEST_F(EngineTest, SecondStopSignalPathKillsAtOnce) {
  config.processes.push_back(Proc("app", {"app"}));
  os.SpawnIgnoringTerm(true);
  Start();
  const pid_t app = Pid("app");
  Shutdown();
  ASSERT_TRUE(os.Alive(app));
  raise(SIGTERM);  // blocked in this thread: the loop reads it as a second stop signal
  Settle();
  EXPECT_FALSE(os.Alive(app));
  EXPECT_TRUE(finished);
}

// The daemon's standard output (where the log goes) into a file, for the life of the object.
class CapturedStdout {
 public:
  CapturedStdout() : path_(dir_.Join("out")) {
    log::FlushAndWait(milliseconds(1000), milliseconds(3000));  // written by the log thread
    saved_ = dup(1);
    const int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    close(fd);
  }
  ~CapturedStdout() { Restore(); }
  std::string Text() {
    Restore();
    return testing::ReadFile(path_);
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    log::FlushAndWait(milliseconds(1000), milliseconds(3000));  // written by the log thread
    dup2(saved_, 1);
    close(saved_);
    saved_ = -1;
  }
  testing::TempDir dir_;
  std::string path_;
  int saved_ = -1;
};

TEST_F(EngineTest, IgnoredSignalsAreLoggedAtMostOncePerSecondEach) {
  config.processes.push_back(Proc("app", {"app"}));
  Start();
  CapturedStdout out;
  for (int i = 0; i < 3; ++i) {
    raise(SIGALRM);  // blocked in this thread: the loop's signalfd takes it
    Settle();
  }
  raise(SIGUSR1);
  Settle();
  Advance(1000);
  raise(SIGALRM);
  Settle();
  const std::string text = out.Text();
  EXPECT_EQ(phpeek::testing::CountOf(text, "signal ignored"), 3u) << text;
  EXPECT_EQ(phpeek::testing::CountOf(text, "signal=SIGALRM"), 2u) << text;
  EXPECT_NE(text.find("signal=SIGUSR1"), std::string::npos) << text;
  EXPECT_NE(text.find("also_ignored_since_last_line=2"), std::string::npos) << text;
  EXPECT_FALSE(finished);
  EXPECT_EQ(Instance("app").state, "running");
}

// What a plugin's process_list sees on an event: the snapshot that already shows the event's
// change (the table-writer example once wrote "running" last, after the daemon had stopped).
class SnapshotAtEvent : public EventListener {
 public:
  explicit SnapshotAtEvent(const SnapshotStore* store) : store_(store) {}
  void OnEvent(const Event& e) override {
    if (e.type != EventType::kStateChanged) return;
    const std::optional<ProcessStatus> p = store_->GetOne(e.process);
    std::string seen = "absent";
    if (p && e.instance.empty()) seen = p->state;
    for (const auto& inst : p ? p->instances : std::vector<InstanceStatus>{}) {
      if (inst.id == e.instance) seen = inst.state;
    }
    lines.push_back(e.instance + (e.instance.empty() ? e.process : "") + " " + e.new_state +
                    " seen " + seen);
  }
  std::vector<std::string> lines;

 private:
  const SnapshotStore* store_;
};

TEST_F(EngineTest, AnEventIsDeliveredAfterTheSnapshotThatShowsIt) {
  SnapshotAtEvent seen(&snapshots);
  bus.AddListener(&seen);
  config.processes.push_back(Proc("web", {"web"}));
  Start();
  os.Exit(Pid("web"), 3);
  Settle();
  Advance(100);  // the backoff: running again
  Shutdown();
  ASSERT_TRUE(finished);
  ASSERT_FALSE(seen.lines.empty());
  // Several changes in one turn share its snapshot, so only the last change of each instance and
  // process in the whole run is sure to be seen as itself: both say "stopped".
  std::map<std::string, std::string> last;
  for (const std::string& line : seen.lines) last[line.substr(0, line.find(' '))] = line;
  EXPECT_EQ(last["web-0"], "web-0 stopped seen stopped") << ::testing::PrintToString(seen.lines);
  EXPECT_EQ(last["web"], "web stopped seen stopped") << ::testing::PrintToString(seen.lines);
  EXPECT_NE(std::find(seen.lines.begin(), seen.lines.end(), "web-0 backoff seen backoff"),
            seen.lines.end())
      << ::testing::PrintToString(seen.lines);
}

}  // namespace
}  // namespace phpeek::supervisor
