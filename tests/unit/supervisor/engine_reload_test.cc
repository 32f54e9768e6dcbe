// A reloaded configuration applied by the engine, turn by turn on fake processes: which pids stay,
// which are stopped and in what order, and that supervision goes on while a reload rolls.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <memory>

#include "core/supervisor/engine.h"
#include "tests/support/process_spec.h"
#include "tests/unit/supervisor/engine_fixture.h"

namespace phpeek::supervisor {
namespace {

using testing::Proc;

class EngineReloadTest : public EngineTest {
 protected:
  // Queues the reload as Supervisor does (the file already loaded) and returns the loop's answer.
  reload::ReloadResult Reload(const config::Config& next) {
    supervisor::Command c;
    c.reload = std::make_shared<const config::Config>(next);
    c.reload_reply = std::make_shared<ReloadSlot>();
    auto reply = c.reload_reply;
    inbox.Push(std::move(c));
    Settle();
    return reply->Wait(std::chrono::steady_clock::now())
        .value_or(reload::ReloadResult{
            reload::ReloadStatus::kTimeout, {}, {}, {}, {}, 0, {}, "no answer"});
  }
  bool Signalled(pid_t pid, int sig) { return os.CountSignals(-pid, sig) > 0; }
};

TEST_F(EngineReloadTest, OnlyWhatChangedIsTouched) {
  config.processes = {Proc("db", {"db"}), Proc("web", {"web"}), Proc("worker", {"worker"}),
                      Proc("old", {"old"}), Proc("old-client", {"old-client"})};
  config.processes[4].depends_on = {"old"};
  Start();
  const pid_t db = Pid("db"), web = Pid("web"), worker = Pid("worker"), old = Pid("old"),
              old_client = Pid("old-client");

  config::Config next = config;
  next.processes = {Proc("db", {"db"}), Proc("web", {"web", "--v2"}), Proc("worker", {"worker"}),
                    Proc("cache", {"cache"})};
  next.processes[2].scale = 2;
  next.processes[3].depends_on = {"db"};
  const reload::ReloadResult r = Reload(next);
  ASSERT_EQ(r.status, reload::ReloadStatus::kReloaded) << r.message;
  EXPECT_EQ(r.added, std::vector<std::string>{"cache"});
  EXPECT_EQ(r.removed, (std::vector<std::string>{"old", "old-client"}));
  EXPECT_EQ(r.restarted, std::vector<std::string>{"web"});
  EXPECT_EQ(r.updated, std::vector<std::string>{"worker"});
  EXPECT_EQ(r.unchanged, 1u);

  EXPECT_EQ(Pid("db"), db);
  EXPECT_FALSE(Signalled(db, SIGTERM));
  EXPECT_EQ(Pid("worker"), worker);
  EXPECT_EQ(Instance("worker", 1).state, "running");
  EXPECT_TRUE(Signalled(web, SIGTERM));
  EXPECT_NE(Pid("web"), web);
  EXPECT_TRUE(std::any_of(os.requests().begin(), os.requests().end(),
                          [](const auto& q) { return q.argv.back() == "cache"; }));
  const auto web_spawn = std::find_if(os.requests().begin(), os.requests().end(),
                                      [](const auto& q) { return q.argv.back() == "--v2"; });
  EXPECT_NE(web_spawn, os.requests().end());
  EXPECT_EQ(State("cache"), "running");
  // The removed: the dependent first, then what it depended on; gone from the snapshot.
  const auto& sig = os.signals();
  const auto client_term = std::find(sig.begin(), sig.end(), std::make_pair(-old_client, SIGTERM));
  const auto old_term = std::find(sig.begin(), sig.end(), std::make_pair(-old, SIGTERM));
  ASSERT_NE(client_term, sig.end());
  ASSERT_NE(old_term, sig.end());
  EXPECT_LT(client_term, old_term);
  EXPECT_FALSE(snapshots.GetOne("old").has_value());
  EXPECT_EQ(snapshots.Get().size(), 4u);

  // The same configuration again: nothing.
  const size_t spawns = os.spawns();
  const reload::ReloadResult again = Reload(next);
  EXPECT_EQ(again.unchanged, 4u);
  EXPECT_EQ(os.spawns(), spawns);
}

TEST_F(EngineReloadTest, SupervisionGoesOnWhileAReloadRolls) {
  config.processes = {Proc("web", {"web"}), Proc("db", {"db"})};
  config.processes[0].scale = 2;
  os.SpawnIgnoringTerm(true);  // web's instances take their stop timeout to go
  Start();
  os.SpawnIgnoringTerm(false);
  const pid_t db = Pid("db");
  config::Config next = config;
  next.processes[0].env = {{"GEN", "2"}};
  ASSERT_EQ(Reload(next).status, reload::ReloadStatus::kReloaded);
  EXPECT_EQ(Instance("web").state, "stopping");
  Advance(1500);  // min_uptime passed: a crash now restarts at once
  os.KillBy(db, SIGKILL);
  Settle();
  EXPECT_NE(Pid("db"), db);
  EXPECT_EQ(State("db"), "running");
}

TEST_F(EngineReloadTest, RefusedOnceTheShutdownBegan) {
  config.processes = {Proc("web", {"web"})};
  os.SpawnIgnoringTerm(true);
  Start();
  Shutdown();
  const reload::ReloadResult r = Reload(config);
  EXPECT_EQ(r.status, reload::ReloadStatus::kStopping);
}

}  // namespace
}  // namespace phpeek::supervisor
