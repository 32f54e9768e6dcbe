// The hook runner on a fake clock and fake processes (tests/unit/supervisor/fake_os.h): order,
// continue_on_error, retries after their delay, timeouts that kill the group, lanes, and what a
// shutdown does to hooks, each to the millisecond and without a real process.
#include "core/hooks/hook_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <deque>
#include <optional>

#include "tests/unit/supervisor/fake_os.h"

namespace phpeek::hooks {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;
using testing::FakeProcesses;

config::Hook MakeHook(const std::string& name, int retry = 0,
                      milliseconds timeout = milliseconds(1000),
                      milliseconds retry_delay = milliseconds(0), bool continue_on_error = false) {
  config::Hook h;
  h.name = name;
  h.command.argv = {"/bin/" + name};
  h.timeout = timeout;
  h.retry = retry;
  h.retry_delay = retry_delay;
  h.continue_on_error = continue_on_error;
  return h;
}

struct Outcome {
  bool ok = false;
  HookResult failed;
};

class HookRunnerTest : public ::testing::Test {
 protected:
  HookRunnerTest() : loop(clock), runner(&os, &os, &loop) {
    std::string err;
    EXPECT_TRUE(loop.Init(&err)) << err;
    runner.OnFinished([this](const HookResult& r) { finished.push_back(r); });
  }

  // Runs `hooks` (kept alive by the fixture) as one sequence on `lane`.
  std::optional<Outcome>* Run(const std::string& lane, std::deque<config::Hook>& hooks,
                              HookPoint point = HookPoint::kPreStart) {
    std::vector<HookJob> jobs;
    for (const config::Hook& h : hooks) jobs.push_back(GlobalHookJob(h, point));
    outcomes.emplace_back();
    std::optional<Outcome>* slot = &outcomes.back();
    runner.Run(lane, std::move(jobs), [slot](bool ok, const HookResult& failed) {
      *slot = Outcome{ok, failed};
    });
    return slot;
  }
  // What the engine does on SIGCHLD: hand every reaped change to the runner.
  void Reap() {
    process::ChildChange change;
    while (os.Collect(&change) == process::Children::Collected::kChange) {
      EXPECT_TRUE(runner.OnChildExit(change.pid, change.status)) << change.pid;
    }
  }
  void Exit(const std::string& hook, int code) {
    const pid_t pid = os.PidOf("hook:" + hook);
    ASSERT_NE(pid, 0) << hook << " is not running";
    os.Exit(pid, code);
    Reap();
  }
  void Advance(int ms) {
    clock.Advance(milliseconds(ms));
    loop.RunOnce(false);
    Reap();
  }
  bool Running(const std::string& hook) const { return os.PidOf("hook:" + hook) != 0; }

  FakeClock clock;
  FakeProcesses os;
  supervisor::Loop loop;
  HookRunner runner;
  std::vector<HookResult> finished;
  std::deque<std::optional<Outcome>> outcomes;  // stable addresses
};

TEST_F(HookRunnerTest, HooksOfASequenceRunOneAfterTheOtherInOrder) {
  std::deque<config::Hook> hooks{MakeHook("cache"), MakeHook("migrate"), MakeHook("link")};
  auto* done = Run("", hooks);
  EXPECT_TRUE(Running("cache"));
  EXPECT_FALSE(Running("migrate"));
  EXPECT_TRUE(runner.Busy(""));
  Advance(40);
  Exit("cache", 0);
  EXPECT_TRUE(Running("migrate"));
  EXPECT_FALSE(Running("link"));
  Exit("migrate", 0);
  Exit("link", 0);
  ASSERT_TRUE(done->has_value());
  EXPECT_TRUE((*done)->ok);
  EXPECT_FALSE(runner.Busy(""));
  EXPECT_EQ(runner.active(), 0u);
  ASSERT_EQ(finished.size(), 3u);
  EXPECT_EQ(finished[0].name, "cache");
  EXPECT_EQ(finished[0].outcome, HookOutcome::kSuccess);
  EXPECT_EQ(finished[0].duration, milliseconds(40));
  EXPECT_EQ(finished[0].attempts, 1);
  EXPECT_EQ(finished[2].name, "link");
  EXPECT_EQ(os.spawns(), 3);
}

TEST_F(HookRunnerTest, AFailureStopsTheSequenceUnlessTheHookMayFail) {
  std::deque<config::Hook> hooks{MakeHook("optional", 0, milliseconds(1000), milliseconds(0), true),
                                 MakeHook("migrate"), MakeHook("never")};
  auto* done = Run("", hooks);
  Exit("optional", 3);
  ASSERT_FALSE(done->has_value());
  Exit("migrate", 1);
  ASSERT_TRUE(done->has_value());
  EXPECT_FALSE((*done)->ok);
  EXPECT_EQ((*done)->failed.name, "migrate");
  EXPECT_EQ((*done)->failed.outcome, HookOutcome::kFailure);
  EXPECT_EQ((*done)->failed.exit_code, 1);
  EXPECT_EQ((*done)->failed.error, "exit code 1");
  EXPECT_FALSE(Running("never"));
  EXPECT_EQ(os.spawns(), 2);
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_EQ(finished[0].outcome, HookOutcome::kFailure);
  EXPECT_TRUE(finished[0].continue_on_error);
  EXPECT_EQ(finished[0].exit_code, 3);
}

TEST_F(HookRunnerTest, RetriesWaitTheirDelayAndCountAttempts) {
  std::deque<config::Hook> hooks{MakeHook("migrate", 2, milliseconds(1000), milliseconds(500))};
  auto* done = Run("", hooks);
  Exit("migrate", 1);
  EXPECT_FALSE(Running("migrate"));
  Advance(499);
  EXPECT_FALSE(Running("migrate"));
  EXPECT_EQ(os.spawns(), 1);
  Advance(1);
  EXPECT_TRUE(Running("migrate"));
  Exit("migrate", 1);
  Advance(500);
  Exit("migrate", 0);  // the third attempt (retry: 2) passes
  ASSERT_TRUE(done->has_value());
  EXPECT_TRUE((*done)->ok);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].attempts, 3);
  EXPECT_EQ(finished[0].duration, milliseconds(1000));
}

TEST_F(HookRunnerTest, RetriesAreBoundedByRetry) {
  std::deque<config::Hook> hooks{MakeHook("migrate", 1)};
  auto* done = Run("", hooks);
  Exit("migrate", 2);
  Advance(0);
  Exit("migrate", 2);
  ASSERT_TRUE(done->has_value());
  EXPECT_FALSE((*done)->ok);
  EXPECT_EQ((*done)->failed.attempts, 2);
  EXPECT_EQ(os.spawns(), 2);
}

TEST_F(HookRunnerTest, AHookThatNeverEndsHasItsGroupKilledAtTheTimeout) {
  std::deque<config::Hook> hooks{MakeHook("hang", 0, milliseconds(300))};
  auto* done = Run("", hooks);
  const pid_t pid = os.PidOf("hook:hang");
  Advance(299);
  EXPECT_EQ(os.CountSignals(-pid, SIGKILL), 0u);
  Advance(1);
  EXPECT_GE(os.CountSignals(-pid, SIGKILL), 1u);  // the group: a grandchild goes too
  ASSERT_TRUE(done->has_value());
  EXPECT_FALSE((*done)->ok);
  EXPECT_EQ((*done)->failed.outcome, HookOutcome::kTimeout);
  EXPECT_EQ((*done)->failed.signal, SIGKILL);
  EXPECT_EQ((*done)->failed.error, "timed out after 300ms");
  EXPECT_EQ(loop.timers(), 0u);
}

TEST_F(HookRunnerTest, ATimedOutAttemptIsRetriedToo) {
  std::deque<config::Hook> hooks{MakeHook("slow", 1, milliseconds(100))};
  auto* done = Run("", hooks);
  Advance(100);
  Advance(0);
  EXPECT_TRUE(Running("slow"));
  Exit("slow", 0);
  ASSERT_TRUE(done->has_value());
  EXPECT_TRUE((*done)->ok);
  EXPECT_EQ(finished.at(0).attempts, 2);
}

TEST_F(HookRunnerTest, AProgramThatCannotStartFailsWith127AndIsRetried) {
  os.FailSpawns(1);
  std::deque<config::Hook> hooks{MakeHook("missing", 1)};
  auto* done = Run("", hooks);
  EXPECT_FALSE(done->has_value());  // waits for its retry
  Advance(0);
  Exit("missing", 0);
  ASSERT_TRUE(done->has_value());
  EXPECT_TRUE((*done)->ok);
  os.FailSpawns(1);
  std::deque<config::Hook> once{MakeHook("missing")};
  auto* failed = Run("", once);
  ASSERT_TRUE(failed->has_value());
  EXPECT_EQ((*failed)->failed.exit_code, 127);
  EXPECT_EQ((*failed)->failed.error.rfind("cannot start: program '/bin/missing'", 0), 0u)
      << (*failed)->failed.error;
}

TEST_F(HookRunnerTest, ALaneRunsOneSequenceAtATimeOtherLanesDoNotWait) {
  std::deque<config::Hook> stop{MakeHook("pre-stop")}, after{MakeHook("post-stop")},
      other{MakeHook("other")};
  auto* first = Run("web-0", stop, HookPoint::kPreStop);
  auto* second = Run("web-0", after, HookPoint::kPostStop);
  auto* third = Run("web-1", other, HookPoint::kPreStop);
  EXPECT_TRUE(Running("pre-stop"));
  EXPECT_FALSE(Running("post-stop"));
  EXPECT_TRUE(Running("other"));
  Exit("pre-stop", 0);
  EXPECT_TRUE(first->has_value());
  EXPECT_TRUE(Running("post-stop"));
  EXPECT_TRUE(runner.Busy("web-0"));
  Exit("post-stop", 0);
  EXPECT_TRUE(second->has_value());
  EXPECT_FALSE(runner.Busy("web-0"));
  EXPECT_FALSE(third->has_value());
  EXPECT_TRUE(runner.Busy("web-1"));
}

TEST_F(HookRunnerTest, ASequenceQueuedFromACallbackRunsAfterThoseAlreadyWaiting) {
  std::deque<config::Hook> a{MakeHook("a")}, b{MakeHook("b")}, c{MakeHook("c")};
  std::vector<HookJob> jobs{GlobalHookJob(a.front(), HookPoint::kPreStop)};
  runner.Run("lane", std::move(jobs), [&](bool, const HookResult&) {
    std::vector<HookJob> more{GlobalHookJob(c.front(), HookPoint::kPreStop)};
    runner.Run("lane", std::move(more), [](bool, const HookResult&) {});
  });
  Run("lane", b, HookPoint::kPreStop);
  Exit("a", 0);
  EXPECT_TRUE(Running("b"));
  EXPECT_FALSE(Running("c"));
  Exit("b", 0);
  EXPECT_TRUE(Running("c"));
}

TEST_F(HookRunnerTest, AnEmptySequenceIsDoneAtOnce) {
  std::deque<config::Hook> none;
  auto* done = Run("", none);
  ASSERT_TRUE(done->has_value());
  EXPECT_TRUE((*done)->ok);
  EXPECT_FALSE(runner.Busy(""));
}

TEST_F(HookRunnerTest, AShutdownAbandonsStartSideHooksOnly) {
  std::deque<config::Hook> migrate{MakeHook("migrate", 3)}, queued{MakeHook("queued")},
      retrying{MakeHook("retrying", 1, milliseconds(1000), milliseconds(5000))},
      drain{MakeHook("drain")};
  auto* m = Run("", migrate);
  auto* q = Run("", queued);
  auto* r = Run("web-0", retrying, HookPoint::kPostStart);
  auto* d = Run("web-1", drain, HookPoint::kPreStop);
  Exit("retrying", 1);  // now waiting 5 s for its retry
  const pid_t migrate_pid = os.PidOf("hook:migrate");
  runner.CancelStartSide();
  EXPECT_EQ(os.CountSignals(-migrate_pid, SIGTERM), 1u);
  ASSERT_TRUE(q->has_value());  // never started
  EXPECT_EQ((*q)->failed.outcome, HookOutcome::kCancelled);
  ASSERT_TRUE(r->has_value());  // its retry is not waited for
  EXPECT_EQ((*r)->failed.outcome, HookOutcome::kCancelled);
  Reap();  // migrate ended by the SIGTERM: cancelled, and not retried
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->failed.outcome, HookOutcome::kCancelled);
  EXPECT_EQ((*m)->failed.attempts, 1);
  EXPECT_FALSE(Running("queued"));
  EXPECT_TRUE(Running("drain"));  // stop side: runs to its end
  EXPECT_FALSE(d->has_value());
  std::deque<config::Hook> late{MakeHook("late")};
  auto* l = Run("web-2", late, HookPoint::kPostStart);
  ASSERT_TRUE(l->has_value());
  EXPECT_FALSE((*l)->ok);
  EXPECT_FALSE(Running("late"));
  Exit("drain", 0);
  EXPECT_TRUE((*d)->ok);
}

TEST_F(HookRunnerTest, KillAllEndsEveryHookAndRunsNoMore) {
  std::deque<config::Hook> drain{MakeHook("drain", 5)}, clean{MakeHook("clean")};
  auto* d = Run("web-0", drain, HookPoint::kPreStop);
  auto* c = Run("web-0", clean, HookPoint::kPostStop);
  const pid_t pid = os.PidOf("hook:drain");
  runner.KillAll();
  EXPECT_EQ(os.CountSignals(-pid, SIGKILL), 1u);
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->failed.outcome, HookOutcome::kCancelled);
  Reap();
  ASSERT_TRUE(d->has_value());
  EXPECT_EQ((*d)->failed.outcome, HookOutcome::kCancelled);
  EXPECT_EQ(runner.active(), 0u);
  EXPECT_EQ(os.spawns(), 1);
  std::deque<config::Hook> late{MakeHook("late")};
  auto* l = Run("", late, HookPoint::kPostStop);
  ASSERT_TRUE(l->has_value());
  EXPECT_EQ(os.spawns(), 1);
}

TEST_F(HookRunnerTest, OnlyItsOwnChildrenAreTheRunners) {
  std::deque<config::Hook> hooks{MakeHook("a")};
  Run("", hooks);
  const pid_t pid = os.PidOf("hook:a");
  EXPECT_TRUE(runner.Owns(pid));
  EXPECT_FALSE(runner.Owns(pid + 1));
  EXPECT_FALSE(runner.OnChildExit(pid + 1, 0));
  Exit("a", 0);
  EXPECT_FALSE(runner.Owns(pid));
}

TEST(HookJobTest, GlobalHookRunsInTheDaemonsEnvironmentWithItsOwnLaidOver) {
  setenv("PHPEEK_HOOK_TEST_VAR", "daemon", 1);
  config::Hook h = MakeHook("migrate");
  h.env = {{"PHPEEK_HOOK_TEST_VAR", "hook"}, {"APP_ENV", "production"}};
  h.working_dir = "/srv/app";
  const HookJob job = GlobalHookJob(h, HookPoint::kPreStart);
  const auto& env = job.request.env;
  auto count = [&](const std::string& entry) { return std::count(env.begin(), env.end(), entry); };
  EXPECT_EQ(count("PHPEEK_HOOK_TEST_VAR=hook"), 1);
  EXPECT_EQ(count("PHPEEK_HOOK_TEST_VAR=daemon"), 0);  // replaced, not shadowed
  EXPECT_EQ(count("APP_ENV=production"), 1);
  EXPECT_EQ(count("PHPEEK_PM_HOOK_NAME=migrate"), 1);
  EXPECT_EQ(count("PHPEEK_PM_HOOK_TYPE=pre_start"), 1);
  EXPECT_EQ(job.request.working_dir, "/srv/app");
  EXPECT_EQ(job.request.argv, h.command.argv);
  EXPECT_TRUE(job.process.empty());
  unsetenv("PHPEEK_HOOK_TEST_VAR");
}

TEST(HookJobTest, ProcessHookRunsAsItsInstanceWould) {
  process::SpawnRequest instance;
  instance.env = {"PATH=/usr/bin", "APP_ENV=local", "PHPEEK_PM_PROCESS_NAME=web"};
  instance.extra_env = {"PHPEEK_PM_INSTANCE_ID=web-1", "PHPEEK_PM_INSTANCE_INDEX=1"};
  instance.working_dir = "/srv/web";
  instance.run_as = config::RunAs{1000, 1000, {1000}};
  config::Hook h = MakeHook("drain");
  h.env = {{"APP_ENV", "production"}};
  const HookJob job = ProcessHookJob(h, HookPoint::kPreStop, "web", "web-1", instance);
  EXPECT_EQ(
      job.request.env,
      (std::vector<std::string>{"PATH=/usr/bin", "APP_ENV=production", "PHPEEK_PM_PROCESS_NAME=web",
                                "PHPEEK_PM_INSTANCE_ID=web-1", "PHPEEK_PM_INSTANCE_INDEX=1",
                                "PHPEEK_PM_HOOK_NAME=drain", "PHPEEK_PM_HOOK_TYPE=pre_stop"}));
  EXPECT_TRUE(job.request.extra_env.empty());
  EXPECT_EQ(job.request.working_dir, "/srv/web");
  ASSERT_TRUE(job.request.run_as.has_value());
  EXPECT_EQ(job.request.run_as->uid, 1000u);
  h.working_dir = "/tmp";
  EXPECT_EQ(ProcessHookJob(h, HookPoint::kPreStop, "web", "web-1", instance).request.working_dir,
            "/tmp");
}

}  // namespace
}  // namespace phpeek::hooks
