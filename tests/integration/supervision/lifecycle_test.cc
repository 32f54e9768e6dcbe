// Start order by depends_on, shutdown in reverse, oneshots, and the daemon's own exit code when
// everything has ended by itself.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

TEST(LifecycleTest, DependenciesStartFirstAndStopLast) {
  auto s = StartDaemon(Yaml(R"(  worker:
    command: ["sleep", "60"]
    depends_on: [app]
  app:
    command: ["sleep", "60"]
    depends_on: [db, migrate]
  migrate:
    type: oneshot
    command: "sleep 0.3; echo migrated"
  db:
    command: "trap 'sleep 0.2; exit 0' TERM; while :; do sleep 0.05; done"
)"));
  ASSERT_TRUE(s.daemon->WaitForLog("process spawned process=worker")) << s.daemon->Log();
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
  const std::string log = s.daemon->Log();
  const size_t db = At(log, "process spawned process=db"),
               migrated = At(log, "process completed process=migrate"),
               app = At(log, "process spawned process=app"),
               worker = At(log, "process spawned process=worker");
  ASSERT_NE(migrated, std::string::npos) << log;
  EXPECT_LT(db, app);
  EXPECT_LT(migrated, app);
  EXPECT_LT(app, worker);
  // Shutdown in reverse: worker gone before app is told, app gone before db is told.
  const size_t worker_gone = At(log, "process exited process=worker"),
               app_told = At(log, "stopping process process=app"),
               app_gone = At(log, "process exited process=app"),
               db_told = At(log, "stopping process process=db");
  ASSERT_NE(db_told, std::string::npos) << log;
  EXPECT_LT(worker_gone, app_told) << log;
  EXPECT_LT(app_gone, db_told) << log;
}

TEST(LifecycleTest, AllOneshotsCompletingEndsTheDaemonWithZero) {
  auto s = StartDaemon(Yaml(R"(  one:
    type: oneshot
    command: ["true"]
  two:
    type: oneshot
    command: "echo done"
    scale: 3
)"));
  EXPECT_EQ(s.daemon->WaitExit(), 0) << s.daemon->Log();
  EXPECT_EQ(Count(s.daemon->Log(), "process completed"), 4u);
  EXPECT_TRUE(s.daemon->LogContains("every process has ended"));
}

TEST(LifecycleTest, AFailureThatIsNotRestartedEndsTheDaemonWithOne) {
  auto s = StartDaemon(Yaml(R"(  ok:
    type: oneshot
    command: ["true"]
  bad:
    restart: never
    command: "exit 7"
)"));
  EXPECT_EQ(s.daemon->WaitExit(), 1) << s.daemon->Log();
  EXPECT_TRUE(s.daemon->LogContains("exit_code=7"));
}

TEST(LifecycleTest, OnFailureRestartsFailuresAndNotSuccess) {
  TempDir tmp;
  const std::string counter = tmp.Join("runs");
  // Fails twice, then succeeds: on-failure restarts it twice and then leaves it ended.
  auto s = StartDaemon(Yaml("  flaky:\n    restart: on-failure\n    command: \"echo x >> " +
                            counter + "; [ $(wc -l < " + counter + ") -ge 3 ]\"\n"));
  EXPECT_EQ(s.daemon->WaitExit(), 0) << s.daemon->Log();
  EXPECT_EQ(Count(ReadFile(counter), "x"), 3u);
  EXPECT_TRUE(s.daemon->LogContains("process ended; not restarted by its policy"));
}

TEST(LifecycleTest, StableRunRestartsAtOnceAndCountsRestarts) {
  // min_uptime 300ms makes a 350 ms run stable: every restart is immediate, none gives up.
  auto s = StartDaemon(Yaml("  steady:\n    command: \"sleep 0.35; exit 1\"\n",
                            "  min_uptime: 300ms\n  max_restart_attempts: 1\n"));
  ASSERT_TRUE(WaitUntil([&] {
    return Count(s.daemon->Log(), "process spawned process=steady") >= 4;
  })) << s.daemon->Log();
  const std::string log = s.daemon->Log();
  EXPECT_EQ(Count(log, "restart scheduled"), 0u) << log;
  EXPECT_GE(Count(log, "restarting process process=steady"), 3u);
  EXPECT_FALSE(s.daemon->LogContains("giving up"));
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

TEST(LifecycleTest, SigintAndSigquitAlsoShutDownCleanly) {
  for (int sig : {SIGINT, SIGQUIT}) {
    auto s = StartDaemon(Yaml("  a:\n    command: [\"sleep\", \"60\"]\n    scale: 3\n"));
    ASSERT_TRUE(WaitUntil([&] { return ChildrenOf(s.daemon->pid()).size() == 3; }));
    const auto kids = ChildrenOf(s.daemon->pid());
    s.daemon->Signal(sig);
    EXPECT_EQ(s.daemon->WaitExit(), 0);
    for (pid_t k : kids) EXPECT_FALSE(ProcessExists(k));
  }
}

TEST(LifecycleTest, ShutdownSignalsEachGroupExactlyOnce) {
  // Counts the TERMs its group receives for a moment after the first one (some programs treat a
  // second one as "kill now"). Each says "ready" once its trap is in place: a TERM sent before
  // that would end it at once.
  auto s = StartDaemon(Yaml(R"(  a:
    command: "n=0; trap 'n=$((n+1))' TERM; echo ready; while [ $n -eq 0 ]; do sleep 0.05; done; sleep 0.3; echo terms=$n"
    scale: 3
)"));
  ASSERT_TRUE(WaitUntil([&] { return Count(s.daemon->Log(), "ready process=a") == 3; }))
      << s.daemon->Log();
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
  const std::string log = s.daemon->Log();
  EXPECT_EQ(Count(log, "\"terms=1\" "), 3u) << log;  // a message with '=' is quoted
  EXPECT_EQ(Count(log, "stopping process"), 3u) << log;
}

// The last line gives the daemon's own CPU (like systemd's "Consumed ... CPU time"): an instance
// that burned half a second of CPU before it was stopped and reaped does not count in it.
TEST(LifecycleTest, TheStoppedLineGivesTheDaemonsOwnCpuWithoutItsChildren) {
  TempDir tmp;
  const std::string burned = tmp.Join("burned");
  auto s =
      StartDaemon(Yaml("  burner:\n    command: \"timeout 0.5 sh -c 'while :; do :; done'; touch " +
                       burned + "; exec sleep 60\"\n"));
  ASSERT_TRUE(WaitUntil([&] { return access(burned.c_str(), F_OK) == 0; })) << s.daemon->Log();
  s.daemon->Signal(SIGTERM);
  ASSERT_EQ(s.daemon->WaitExit(), 0) << s.daemon->Log();
  const std::string log = s.daemon->Log();
  const size_t at = log.find("phpeek-pm stopped exit_code=0 cpu_time_us=");
  ASSERT_NE(at, std::string::npos) << log;
  const long long us = std::atoll(log.c_str() + at + 42);
  EXPECT_GT(us, 0) << log;
  EXPECT_LT(us, 200000) << "the burner's CPU is counted as the daemon's\n" << log;
}

}  // namespace
}  // namespace phpeek::testing
