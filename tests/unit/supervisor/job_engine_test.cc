// Scheduled jobs in the engine, driven turn by turn on a fake clock (steady and wall time) and
// fake processes (fake_os.h): ticks become runs, schedule_timeout stops a run and records it,
// overlapping ticks are skipped and recorded, a clock jump runs once, pause/resume/trigger, the
// stop and start commands, shutdown, and a daemon of jobs only that keeps running. The Supervisor
// part at the end runs real children.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "core/schedule/scheduled_job.h"
#include "core/supervisor/engine.h"
#include "core/supervisor/supervisor.h"
#include "tests/support/process_spec.h"
#include "tests/support/test_support.h"
#include "tests/unit/schedule/time_text.h"
#include "tests/unit/supervisor/fake_os.h"

namespace phpeek::supervisor {
namespace {

using schedule::AtWall;
using schedule::RunResult;
using std::chrono::milliseconds;
using testing::FakeProcesses;
using testing::Proc;

// Steady and wall time advance together; the wall clock can also jump alone.
class FakeTimes : public TimeSource {
 public:
  Clock::time_point Now() const override { return steady_; }
  WallClock::time_point WallNow() const override { return wall_; }
  void Advance(milliseconds by) {
    steady_ += by;
    wall_ += by;
  }
  void JumpWall(WallClock::duration by) { wall_ += by; }
  void SetWall(WallClock::time_point t) { wall_ = t; }

 private:
  Clock::time_point steady_ = Clock::time_point() + std::chrono::hours(1);
  WallClock::time_point wall_ = AtWall("2025-06-13T10:03:00Z");
};

class Events : public EventListener {
 public:
  void OnEvent(const Event& e) override {
    if (e.type == EventType::kJobRunStarted || e.type == EventType::kJobRunFinished) {
      runs.push_back(e);
    }
  }
  std::vector<Event> runs;
};

config::ProcessSpec JobSpec(const std::string& name, const std::string& cron) {
  config::ProcessSpec p = Proc(name, {name});
  p.schedule = cron;
  p.schedule_timezone = "UTC";
  p.shutdown.timeout = milliseconds(500);
  return p;
}

class JobEngineTest : public ::testing::Test {
 protected:
  JobEngineTest() {
    config.global.shutdown_timeout = milliseconds(2000);
    bus.AddListener(&events);
  }

  void Start() {
    engine = std::make_unique<Engine>(
        config, EngineIo{&os, &os, &clock, &inbox, &bus, &snapshots, &stopping, {}, {}, nullptr});
    std::string err;
    ASSERT_TRUE(engine->Start(&err)) << err;
    Settle();
  }
  void Settle() {
    for (int i = 0; i < 8 && !finished; ++i) finished = !engine->Step(false);
  }
  void Advance(milliseconds by) {
    clock.Advance(by);
    Settle();
  }
  // To `text` on the wall clock, steady time moving as much.
  void AdvanceTo(const std::string& text) {
    Advance(std::chrono::duration_cast<milliseconds>(AtWall(text) - clock.WallNow()));
  }
  void Push(supervisor::Command c) {
    inbox.Push(std::move(c));
    Settle();
  }
  JobReply Apply(JobOp op, const std::string& name) {
    supervisor::Command c;
    c.job_op = op;
    c.process = name;
    c.reply = std::make_shared<ReplySlot>();
    auto slot = c.reply;
    Push(std::move(c));
    return slot->Wait(std::chrono::steady_clock::now())
        .value_or(JobReply{ControlResult::kTimeout, 0, "no answer"});
  }
  void Command(ControlOp op, const std::string& name) {
    supervisor::Command c;
    c.op = op;
    c.process = name;
    Push(std::move(c));
  }
  std::shared_ptr<const schedule::ScheduledJob> State(const std::string& name) {
    return snapshots.GetOne(name)->job;
  }
  schedule::RunRecord LastRun(const std::string& name) { return State(name)->History(1).at(0); }
  pid_t RunPid(int nth) { return 1000 + nth - 1; }  // fake pids count up from 1000

  config::Config config;
  FakeTimes clock;
  FakeProcesses os;
  CommandInbox inbox;
  EventBus bus;
  Events events;
  SnapshotStore snapshots;
  std::atomic<bool> stopping{false};
  std::unique_ptr<Engine> engine;
  bool finished = false;
};

TEST_F(JobEngineTest, ATickStartsARunThatIsRecordedWhenItEnds) {
  config.processes.push_back(JobSpec("report", "*/5 * * * *"));
  Start();
  EXPECT_EQ(os.spawns(), 0);  // 10:03: the daemon does not run a past tick
  EXPECT_TRUE(snapshots.GetOne("report")->instances.empty());
  EXPECT_EQ(snapshots.GetOne("report")->state, "stopped");
  ASSERT_TRUE(State("report")->next_run());
  EXPECT_EQ(schedule::Iso(*State("report")->next_run()), "2025-06-13T10:05:00Z");

  AdvanceTo("2025-06-13T10:04:59Z");
  EXPECT_EQ(os.spawns(), 0);
  Advance(milliseconds(1000));
  ASSERT_EQ(os.spawns(), 1);
  EXPECT_EQ(os.Find(RunPid(1))->name, "report-run-1");  // PHPEEK_PM_INSTANCE_ID of the run
  EXPECT_EQ(snapshots.GetOne("report")->state, "running");
  EXPECT_EQ(State("report")->state(), schedule::JobState::kExecuting);

  Advance(milliseconds(1500));
  os.Exit(RunPid(1), 0);
  Settle();
  EXPECT_EQ(snapshots.GetOne("report")->state, "stopped");
  const schedule::RunRecord run = LastRun("report");
  EXPECT_EQ(run.id, 1);
  EXPECT_EQ(run.result, RunResult::kSuccess);
  EXPECT_EQ(run.duration_ms, 1500);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(schedule::Iso(*State("report")->next_run()), "2025-06-13T10:10:00Z");
  ASSERT_EQ(events.runs.size(), 2u);
  EXPECT_EQ(events.runs[0].type, EventType::kJobRunStarted);
  EXPECT_EQ(events.runs[0].pid, RunPid(1));
  EXPECT_EQ(events.runs[0].run_trigger, "schedule");
  EXPECT_EQ(events.runs[1].type, EventType::kJobRunFinished);
  EXPECT_EQ(events.runs[1].run_result, "success");
  EXPECT_EQ(events.runs[1].duration_ms, 1500);
  // The group of the run goes with it.
  EXPECT_EQ(os.CountSignals(-RunPid(1), SIGKILL), 1u);

  AdvanceTo("2025-06-13T10:10:00Z");
  EXPECT_EQ(os.spawns(), 2);
  os.Exit(RunPid(2), 3);
  Settle();
  EXPECT_EQ(LastRun("report").result, RunResult::kFailure);
  EXPECT_EQ(State("report")->last_exit_code(), 3);
}

TEST_F(JobEngineTest, TimeoutSendsTheStopSignalThenKillsAndRecordsTimeout) {
  config::ProcessSpec p = JobSpec("slow", "* * * * *");
  p.schedule_timeout = milliseconds(1000);
  p.shutdown.signal = SIGQUIT;
  config.processes.push_back(p);
  Start();
  os.SpawnIgnoringTerm(true);  // ignores its stop signal: only SIGKILL ends it
  AdvanceTo("2025-06-13T10:04:00Z");
  ASSERT_EQ(os.spawns(), 1);
  Advance(milliseconds(999));
  EXPECT_EQ(os.CountSignals(-RunPid(1), SIGQUIT), 0u);
  Advance(milliseconds(1));
  EXPECT_EQ(os.CountSignals(-RunPid(1), SIGQUIT), 1u);
  EXPECT_EQ(os.CountSignals(-RunPid(1), SIGCONT), 1u);
  EXPECT_TRUE(os.Alive(RunPid(1)));
  Advance(milliseconds(499));  // the process's shutdown.timeout is 500 ms
  EXPECT_TRUE(os.Alive(RunPid(1)));
  Advance(milliseconds(1));
  EXPECT_FALSE(os.Alive(RunPid(1)));
  const schedule::RunRecord run = LastRun("slow");
  EXPECT_EQ(run.result, RunResult::kTimeout);
  EXPECT_EQ(run.signal, SIGKILL);
  EXPECT_EQ(run.duration_ms, 1500);
  EXPECT_EQ(events.runs.back().run_result, "timeout");
}

TEST_F(JobEngineTest, ATimedOutRunThatObeysItsStopSignalIsATimeoutToo) {
  config::ProcessSpec p = JobSpec("slow", "* * * * *");
  p.schedule_timeout = milliseconds(200);
  config.processes.push_back(p);
  Start();
  AdvanceTo("2025-06-13T10:04:00Z");
  Advance(milliseconds(200));
  EXPECT_FALSE(os.Alive(RunPid(1)));
  EXPECT_EQ(LastRun("slow").result, RunResult::kTimeout);
  EXPECT_EQ(LastRun("slow").signal, SIGTERM);
}

TEST_F(JobEngineTest, AnOverlappingTickIsSkippedAndRecorded) {
  config.processes.push_back(JobSpec("sync", "* * * * *"));
  Start();
  AdvanceTo("2025-06-13T10:04:00Z");
  ASSERT_EQ(os.spawns(), 1);
  AdvanceTo("2025-06-13T10:05:00Z");  // the first run is still active
  EXPECT_EQ(os.spawns(), 1);
  const schedule::RunRecord skipped = LastRun("sync");
  EXPECT_EQ(skipped.id, 2);
  EXPECT_EQ(skipped.result, RunResult::kSkipped);
  EXPECT_EQ(events.runs.back().run_result, "skipped");
  EXPECT_EQ(events.runs.back().pid, 0);
  os.Exit(RunPid(1), 0);
  Settle();
  AdvanceTo("2025-06-13T10:06:00Z");
  EXPECT_EQ(os.spawns(), 2);
  EXPECT_EQ(State("sync")->result_count(RunResult::kSkipped), 1);
}

TEST_F(JobEngineTest, MaxConcurrentTwoLetsRunsOverlap) {
  config::ProcessSpec p = JobSpec("sync", "* * * * *");
  p.schedule_max_concurrent = 2;
  config.processes.push_back(p);
  Start();
  AdvanceTo("2025-06-13T10:04:00Z");
  AdvanceTo("2025-06-13T10:05:00Z");
  EXPECT_EQ(os.spawns(), 2);
  AdvanceTo("2025-06-13T10:06:00Z");
  EXPECT_EQ(os.spawns(), 2);
  EXPECT_EQ(LastRun("sync").result, RunResult::kSkipped);
}

// A suspend or a clock set forward: one run for the missed ticks, not a burst.
TEST_F(JobEngineTest, AWallClockJumpRunsOnceForTheMissedTicks) {
  config.processes.push_back(JobSpec("every-minute", "* * * * *"));
  Start();
  clock.JumpWall(std::chrono::hours(3));
  Advance(milliseconds(10));
  EXPECT_EQ(os.spawns(), 1);
  os.Exit(RunPid(1), 0);
  Advance(milliseconds(10));
  EXPECT_EQ(os.spawns(), 1);
  EXPECT_EQ(State("every-minute")->run_count(), 1);
  // And a clock set back by an hour does not run the same minutes again.
  clock.JumpWall(-std::chrono::hours(1));
  Advance(std::chrono::minutes(30));
  EXPECT_EQ(os.spawns(), 1);
}

TEST_F(JobEngineTest, PauseResumeAndTrigger) {
  config.processes.push_back(JobSpec("job", "* * * * *"));
  Start();
  EXPECT_EQ(Apply(JobOp::kPause, "job").result, ControlResult::kAccepted);
  EXPECT_EQ(State("job")->state(), schedule::JobState::kPaused);
  AdvanceTo("2025-06-13T10:06:00Z");
  EXPECT_EQ(os.spawns(), 0);  // ticks dropped while paused

  const JobReply manual = Apply(JobOp::kTrigger, "job");  // allowed while paused
  EXPECT_EQ(manual.result, ControlResult::kAccepted);
  EXPECT_EQ(manual.run_id, 1);
  EXPECT_EQ(os.spawns(), 1);
  EXPECT_EQ(State("job")->active_runs().at(0).trigger, schedule::RunTrigger::kManual);
  const JobReply refused = Apply(JobOp::kTrigger, "job");  // max_concurrent 1 is reached
  EXPECT_EQ(refused.result, ControlResult::kState);
  EXPECT_NE(refused.message.find("schedule_max_concurrent"), std::string::npos) << refused.message;
  os.Exit(RunPid(1), 0);
  Settle();

  EXPECT_EQ(Apply(JobOp::kResume, "job").result, ControlResult::kAccepted);
  EXPECT_EQ(os.spawns(), 1);  // ticks that fell due while paused do not run
  AdvanceTo("2025-06-13T10:07:00Z");
  EXPECT_EQ(os.spawns(), 2);
  EXPECT_EQ(Apply(JobOp::kPause, "nope").result, ControlResult::kNotFound);
}

TEST_F(JobEngineTest, StopPausesAndStopsTheRunsStartResumes) {
  config.processes.push_back(JobSpec("job", "* * * * *"));
  Start();
  AdvanceTo("2025-06-13T10:04:00Z");
  ASSERT_TRUE(os.Alive(RunPid(1)));
  Command(ControlOp::kStop, "job");
  EXPECT_FALSE(os.Alive(RunPid(1)));
  EXPECT_EQ(os.CountSignals(-RunPid(1), SIGTERM), 1u);
  EXPECT_EQ(LastRun("job").result, RunResult::kFailure);
  EXPECT_EQ(State("job")->state(), schedule::JobState::kPaused);
  AdvanceTo("2025-06-13T10:06:00Z");
  EXPECT_EQ(os.spawns(), 1);
  Command(ControlOp::kStart, "job");
  AdvanceTo("2025-06-13T10:07:00Z");
  EXPECT_EQ(os.spawns(), 2);
}

TEST_F(JobEngineTest, DisabledOrInitiallyStoppedJobsStartPaused) {
  config.processes.push_back(JobSpec("off", "* * * * *"));
  config.processes.back().enabled = false;
  config.processes.push_back(JobSpec("held", "* * * * *"));
  config.processes.back().initial_state = config::InitialState::kStopped;
  Start();
  AdvanceTo("2025-06-13T10:05:00Z");
  EXPECT_EQ(os.spawns(), 0);
  EXPECT_TRUE(State("off")->paused());
  EXPECT_TRUE(State("held")->paused());
}

TEST_F(JobEngineTest, ASpawnFailureIsAFailedRun) {
  config.processes.push_back(JobSpec("missing", "* * * * *"));
  Start();
  os.FailSpawns(1);
  AdvanceTo("2025-06-13T10:04:00Z");
  const schedule::RunRecord run = LastRun("missing");
  EXPECT_EQ(run.result, RunResult::kFailure);
  EXPECT_EQ(run.exit_code, 127);
  EXPECT_EQ(State("missing")->state(), schedule::JobState::kIdle);
}

// The original's scheduled-tasks.yaml has nothing but jobs: the daemon must not exit because
// "every process has ended".
TEST_F(JobEngineTest, ADaemonOfJobsOnlyKeepsRunning) {
  config.processes.push_back(JobSpec("a", "* * * * *"));
  config.processes.push_back(JobSpec("b", "@daily"));
  Start();
  for (int minute = 4; minute < 8; ++minute) {
    AdvanceTo("2025-06-13T10:0" + std::to_string(minute) + ":00Z");
    os.Exit(RunPid(minute - 3), 0);
    Settle();
  }
  EXPECT_EQ(os.spawns(), 4);
  EXPECT_FALSE(finished);
}

TEST_F(JobEngineTest, ShutdownStopsTheActiveRunsAndNoMoreStart) {
  config::ProcessSpec p = JobSpec("job", "* * * * *");
  p.shutdown.timeout = milliseconds(5000);  // longer than the global deadline
  config.processes.push_back(p);
  config.processes.push_back(Proc("web", {"web"}));
  Start();
  AdvanceTo("2025-06-13T10:04:00Z");
  ASSERT_EQ(os.spawns(), 2);  // web, then the run
  const pid_t run = os.last_pid();
  os.Find(run)->ignores_term = true;
  supervisor::Command c;
  c.shutdown = true;
  Push(std::move(c));
  EXPECT_EQ(os.CountSignals(-run, SIGTERM), 1u);
  AdvanceTo("2025-06-13T10:05:00Z");  // past the 2 s global deadline: SIGKILL
  EXPECT_FALSE(os.Alive(run));
  EXPECT_EQ(os.spawns(), 2);  // the 10:05 tick starts nothing
  EXPECT_TRUE(finished);
  EXPECT_EQ(engine->exit_code(), 0);
}

// A run that is stopping for its timeout keeps its earlier SIGKILL when the shutdown begins; the
// shutdown deadline only ever brings it forward.
TEST_F(JobEngineTest, ShutdownNeverPostponesTheKillOfATimedOutRun) {
  config::ProcessSpec p = JobSpec("slow", "* * * * *");
  p.schedule_timeout = milliseconds(1000);
  p.shutdown.timeout = milliseconds(500);
  config.processes.push_back(p);
  Start();
  os.SpawnIgnoringTerm(true);
  AdvanceTo("2025-06-13T10:04:00Z");
  Advance(milliseconds(1000));  // the stop signal; SIGKILL due at +1500
  ASSERT_EQ(os.CountSignals(-RunPid(1), SIGTERM), 1u);
  Advance(milliseconds(100));
  supervisor::Command c;
  c.shutdown = true;
  Push(std::move(c));  // deadline at +3100; the run's own 500 ms from now would be +1600
  Advance(milliseconds(399));
  EXPECT_TRUE(os.Alive(RunPid(1)));
  Advance(milliseconds(1));
  EXPECT_FALSE(os.Alive(RunPid(1)));
  EXPECT_EQ(LastRun("slow").result, RunResult::kTimeout);
}

// The real Supervisor: validation of job commands, a trigger answered with its run id, and
// WaitForRun seeing the run of a real /bin/sh end.
TEST(JobSupervisorTest, ControlJobAndWaitForRun) {
  config::Config config;
  config::ProcessSpec job = Proc("job", {"/bin/sh", "-c", "exit 4"});
  job.schedule = "@yearly";
  job.schedule_timezone = "UTC";
  config.processes.push_back(job);
  config::ProcessSpec off = job;
  off.name = "off";
  off.enabled = false;
  config.processes.push_back(off);
  config.processes.push_back(Proc("web", {"/bin/sleep", "30"}));
  Supervisor sup(config);
  int code = -1;
  std::thread loop([&] { code = sup.Run(); });

  EXPECT_EQ(sup.ControlJob(JobOp::kTrigger, "nope", milliseconds(2000)).result,
            ControlResult::kNotFound);
  const JobReply not_job = sup.ControlJob(JobOp::kTrigger, "web", milliseconds(2000));
  EXPECT_EQ(not_job.result, ControlResult::kState);
  EXPECT_NE(not_job.message.find("not a scheduled job"), std::string::npos);
  EXPECT_EQ(sup.ControlJob(JobOp::kResume, "off", milliseconds(2000)).result,
            ControlResult::kState);
  EXPECT_EQ(sup.Submit(ControlOp::kScale, "job", 2), ControlResult::kState);
  EXPECT_EQ(sup.Submit(ControlOp::kRestart, "job", 0), ControlResult::kState);

  const JobReply started = sup.ControlJob(JobOp::kTrigger, "job", milliseconds(5000));
  ASSERT_EQ(started.result, ControlResult::kAccepted) << started.message;
  EXPECT_EQ(started.run_id, 1);
  // The snapshot already knows the run the answer names.
  ASSERT_TRUE(sup.SnapshotOf("job")->job->FindRun(started.run_id));
  const auto run = sup.WaitForRun("job", started.run_id, milliseconds(10000));
  ASSERT_TRUE(run);
  EXPECT_EQ(run->result, RunResult::kFailure);
  EXPECT_EQ(run->exit_code, 4);
  EXPECT_FALSE(sup.WaitForRun("job", 99, milliseconds(50)));

  sup.RequestShutdown();
  loop.join();
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace phpeek::supervisor
