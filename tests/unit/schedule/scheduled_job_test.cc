// ScheduledJob: runs handed out per tick and per trigger, max_concurrent and skipped ticks, run
// ids, results, counters, pause/resume, the history ring and reconfiguration, on invented times.
#include "core/schedule/scheduled_job.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/schedule/time_text.h"

namespace phpeek::schedule {
namespace {

using std::chrono::milliseconds;

JobSettings Settings(const std::string& cron, int max_concurrent = 1, size_t history = 100) {
  JobSettings s;
  s.name = "job";
  std::vector<CronProblem> problems;
  EXPECT_TRUE(ParseCronExpression(cron, &s.cron, &problems));
  s.max_concurrent = max_concurrent;
  s.history_size = history;
  return s;
}

std::vector<int64_t> Ids(const std::vector<RunRecord>& runs) {
  std::vector<int64_t> out;
  for (const RunRecord& r : runs) out.push_back(r.id);
  return out;
}

TEST(ScheduledJobTest, ATickStartsARun) {
  ScheduledJob job(Settings("*/5 * * * *"), AtWall("2025-06-13T10:07:00Z"));
  EXPECT_EQ(job.state(), JobState::kIdle);
  ASSERT_TRUE(job.next_run());
  EXPECT_EQ(Iso(*job.next_run()), "2025-06-13T10:10:00Z");
  EXPECT_FALSE(job.OnWake(AtWall("2025-06-13T10:09:00Z")).start);

  const WallTime at = AtWall("2025-06-13T10:10:00Z") + milliseconds(250);
  const JobWake w = job.OnWake(at);
  ASSERT_TRUE(w.start);
  EXPECT_EQ(*w.start, 1);
  EXPECT_FALSE(w.skipped);
  ASSERT_TRUE(w.next);
  EXPECT_EQ(Iso(*w.next), "2025-06-13T10:15:00Z");
  EXPECT_EQ(job.state(), JobState::kExecuting);
  EXPECT_EQ(job.run_count(), 1);
  EXPECT_EQ(job.last_run(), at);
  ASSERT_EQ(job.active_runs().size(), 1u);
  EXPECT_EQ(job.active_runs()[0].trigger, RunTrigger::kSchedule);
  EXPECT_FALSE(job.active_runs()[0].result);

  EXPECT_TRUE(job.RunFinished(1, {0, std::nullopt, false}, at + milliseconds(1500)));
  EXPECT_EQ(job.state(), JobState::kIdle);
  EXPECT_EQ(job.last_exit_code(), 0);
  const std::vector<RunRecord> history = job.History(0);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].result, RunResult::kSuccess);
  EXPECT_EQ(history[0].duration_ms, 1500);
  EXPECT_EQ(history[0].finished_at, at + milliseconds(1500));
  EXPECT_FALSE(job.RunFinished(1, {0, std::nullopt, false}, at));  // not active any more
}

TEST(ScheduledJobTest, Results) {
  ScheduledJob job(Settings("* * * * *", 0), AtWall("2025-06-13T10:00:30Z"));
  const WallTime t = AtWall("2025-06-13T10:01:00Z");
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(job.Trigger(t));
  EXPECT_TRUE(job.RunFinished(1, {0, std::nullopt, false}, t));
  EXPECT_TRUE(job.RunFinished(2, {3, std::nullopt, false}, t));
  EXPECT_TRUE(job.RunFinished(3, {std::nullopt, 9, false}, t));
  EXPECT_TRUE(job.RunFinished(4, {std::nullopt, 9, true}, t, milliseconds(30000)));
  const std::vector<RunRecord> h = job.History(0);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[3].result, RunResult::kSuccess);
  EXPECT_EQ(h[2].result, RunResult::kFailure);
  EXPECT_EQ(h[2].exit_code, 3);
  EXPECT_EQ(h[1].result, RunResult::kFailure);
  EXPECT_EQ(h[1].signal, 9);
  EXPECT_FALSE(h[1].exit_code);
  EXPECT_EQ(h[0].result, RunResult::kTimeout);
  EXPECT_EQ(h[0].duration_ms, 30000);  // the caller's steady-clock measure wins
  EXPECT_FALSE(job.last_exit_code());  // the last run ended by a signal
  EXPECT_EQ(job.run_count(), 4);
  EXPECT_EQ(h[0].trigger, RunTrigger::kManual);
  EXPECT_EQ(job.result_count(RunResult::kSuccess), 1);
  EXPECT_EQ(job.result_count(RunResult::kFailure), 2);
  EXPECT_EQ(job.result_count(RunResult::kTimeout), 1);
  EXPECT_EQ(job.result_count(RunResult::kSkipped), 0);
  EXPECT_EQ(job.last_duration_ms(), 30000);
}

// The wall clock went back during the run: the duration is never negative.
TEST(ScheduledJobTest, DurationNeverNegative) {
  ScheduledJob job(Settings("* * * * *"), AtWall("2025-06-13T10:00:30Z"));
  ASSERT_TRUE(job.Trigger(AtWall("2025-06-13T10:00:40Z")));
  job.RunFinished(1, {0, std::nullopt, false}, AtWall("2025-06-13T10:00:10Z"));
  EXPECT_EQ(job.History(1)[0].duration_ms, 0);
}

// A run that outlives its interval: the next tick is skipped and recorded as such.
TEST(ScheduledJobTest, MaxConcurrentSkipsAndRecords) {
  ScheduledJob job(Settings("*/5 * * * *", 1), AtWall("2025-06-13T10:07:00Z"));
  ASSERT_TRUE(job.OnWake(AtWall("2025-06-13T10:10:00Z")).start);
  const JobWake w = job.OnWake(AtWall("2025-06-13T10:15:00Z"));
  EXPECT_FALSE(w.start);
  ASSERT_TRUE(w.skipped);
  EXPECT_EQ(w.skipped->id, 2);
  EXPECT_EQ(w.skipped->result, RunResult::kSkipped);
  EXPECT_EQ(w.skipped->trigger, RunTrigger::kSchedule);
  EXPECT_EQ(w.skipped->duration_ms, 0);
  EXPECT_FALSE(w.skipped->exit_code);
  EXPECT_EQ(job.run_count(), 1);  // skipped ticks are not runs
  EXPECT_EQ(job.last_run(), AtWall("2025-06-13T10:10:00Z"));
  EXPECT_FALSE(job.Trigger(AtWall("2025-06-13T10:16:00Z")));  // a manual run is refused too
  job.RunFinished(1, {0, std::nullopt, false}, AtWall("2025-06-13T10:17:00Z"));
  const JobWake next = job.OnWake(AtWall("2025-06-13T10:20:00Z"));
  ASSERT_TRUE(next.start);
  EXPECT_EQ(*next.start, 3);
  EXPECT_EQ(Ids(job.History(0)), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(job.result_count(RunResult::kSkipped), 1);
  EXPECT_EQ(job.result_count(RunResult::kSuccess), 1);
  EXPECT_EQ(job.last_duration_ms(), 7 * 60 * 1000);  // the skipped tick's 0 does not count
  ASSERT_TRUE(job.FindRun(2));
  EXPECT_EQ(job.FindRun(2)->result, RunResult::kSkipped);
  ASSERT_TRUE(job.FindRun(3));  // active
  EXPECT_FALSE(job.FindRun(3)->result);
  EXPECT_FALSE(job.FindRun(4));
}

TEST(ScheduledJobTest, MaxConcurrentTwoAndUnlimited) {
  ScheduledJob two(Settings("* * * * *", 2), AtWall("2025-06-13T10:00:30Z"));
  EXPECT_TRUE(two.OnWake(AtWall("2025-06-13T10:01:00Z")).start);
  EXPECT_TRUE(two.OnWake(AtWall("2025-06-13T10:02:00Z")).start);
  EXPECT_TRUE(two.OnWake(AtWall("2025-06-13T10:03:00Z")).skipped);
  EXPECT_EQ(two.active_runs().size(), 2u);
  ScheduledJob unlimited(Settings("* * * * *", 0), AtWall("2025-06-13T10:00:30Z"));
  for (int m = 1; m <= 50; ++m) {
    const std::string t =
        "2025-06-13T10:" + std::string(m < 10 ? "0" : "") + std::to_string(m) + ":00Z";
    EXPECT_TRUE(unlimited.OnWake(AtWall(t)).start) << t;
  }
  EXPECT_EQ(unlimited.active_runs().size(), 50u);
}

TEST(ScheduledJobTest, PauseDropsTicksAndResumeDoesNotCatchUp) {
  ScheduledJob job(Settings("*/5 * * * *"), AtWall("2025-06-13T10:07:00Z"));
  EXPECT_TRUE(job.Pause());
  EXPECT_FALSE(job.Pause());
  EXPECT_EQ(job.state(), JobState::kPaused);
  EXPECT_FALSE(job.next_run());
  const JobWake w = job.OnWake(AtWall("2025-06-13T10:10:00Z"));
  EXPECT_FALSE(w.start);
  EXPECT_FALSE(w.skipped);
  EXPECT_TRUE(w.paused);
  EXPECT_FALSE(w.next);
  EXPECT_TRUE(job.History(0).empty());
  // A manual run while paused is the operator's call.
  ASSERT_TRUE(job.Trigger(AtWall("2025-06-13T10:11:00Z")));
  EXPECT_EQ(job.state(), JobState::kPaused);
  job.RunFinished(1, {0, std::nullopt, false}, AtWall("2025-06-13T10:11:30Z"));

  EXPECT_TRUE(job.Resume(AtWall("2025-06-13T10:23:00Z")));
  EXPECT_FALSE(job.Resume(AtWall("2025-06-13T10:23:00Z")));
  EXPECT_EQ(job.state(), JobState::kIdle);
  ASSERT_TRUE(job.next_run());
  EXPECT_EQ(Iso(*job.next_run()), "2025-06-13T10:25:00Z");
  EXPECT_FALSE(job.OnWake(AtWall("2025-06-13T10:23:00Z")).start);  // 10:15 and 10:20 are gone
  EXPECT_TRUE(job.OnWake(AtWall("2025-06-13T10:25:00Z")).start);
}

TEST(ScheduledJobTest, PauseWhileRunningKeepsTheRun) {
  ScheduledJob job(Settings("*/5 * * * *"), AtWall("2025-06-13T10:07:00Z"));
  ASSERT_TRUE(job.OnWake(AtWall("2025-06-13T10:10:00Z")).start);
  EXPECT_TRUE(job.Pause());
  EXPECT_EQ(job.state(), JobState::kPaused);
  EXPECT_EQ(job.active_runs().size(), 1u);
  EXPECT_TRUE(job.RunFinished(1, {0, std::nullopt, false}, AtWall("2025-06-13T10:12:00Z")));
}

TEST(ScheduledJobTest, HistoryRingIsBounded) {
  ScheduledJob job(Settings("* * * * *", 0, 3), AtWall("2025-06-13T10:00:30Z"));
  for (int i = 1; i <= 5; ++i) {
    const auto id = job.Trigger(AtWall("2025-06-13T10:01:00Z"));
    ASSERT_TRUE(id);
    job.RunFinished(*id, {0, std::nullopt, false}, AtWall("2025-06-13T10:01:01Z"));
  }
  EXPECT_EQ(Ids(job.History(0)), (std::vector<int64_t>{5, 4, 3}));
  EXPECT_EQ(Ids(job.History(2)), (std::vector<int64_t>{5, 4}));
  EXPECT_EQ(job.run_count(), 5);
  // Active runs are listed with the finished ones, newest first, and never evicted by them.
  const auto running = job.Trigger(AtWall("2025-06-13T10:02:00Z"));
  for (int i = 0; i < 5; ++i) {
    const auto id = job.Trigger(AtWall("2025-06-13T10:02:00Z"));
    job.RunFinished(*id, {1, std::nullopt, false}, AtWall("2025-06-13T10:02:01Z"));
  }
  EXPECT_EQ(Ids(job.History(0)), (std::vector<int64_t>{11, 10, 9, 6}));
  EXPECT_EQ(Ids(job.History(1)), (std::vector<int64_t>{11}));
  EXPECT_TRUE(job.RunFinished(*running, {0, std::nullopt, false}, AtWall("2025-06-13T10:03:00Z")));
  EXPECT_EQ(Ids(job.History(0)), (std::vector<int64_t>{11, 10, 6}));
}

TEST(ScheduledJobTest, RingNeverEmptierThanOne) {
  RunHistory ring(0);
  EXPECT_EQ(ring.capacity(), 1u);
  RunRecord a;
  a.id = 1;
  ring.Add(a);
  a.id = 2;
  ring.Add(a);
  EXPECT_EQ(Ids(ring.Newest(0)), (std::vector<int64_t>{2}));
}

TEST(ScheduledJobTest, ReconfigureKeepsRunsAndHistory) {
  ScheduledJob job(Settings("*/5 * * * *", 1, 10), AtWall("2025-06-13T10:07:00Z"));
  ASSERT_TRUE(job.OnWake(AtWall("2025-06-13T10:10:00Z")).start);
  for (const char* t : {"2025-06-13T10:15:00Z", "2025-06-13T10:20:00Z", "2025-06-13T10:25:00Z"}) {
    ASSERT_TRUE(job.OnWake(AtWall(t)).skipped) << t;
  }
  job.Reconfigure(Settings("0 * * * *", 2, 2), AtWall("2025-06-13T10:31:00Z"));
  ASSERT_TRUE(job.next_run());
  EXPECT_EQ(Iso(*job.next_run()), "2025-06-13T11:00:00Z");
  EXPECT_EQ(job.active_runs().size(), 1u);
  EXPECT_EQ(job.History(0).size(), 3u);  // the active run and the 2 newest skipped ones
  EXPECT_EQ(job.settings().max_concurrent, 2);
  EXPECT_TRUE(job.Trigger(AtWall("2025-06-13T10:32:00Z")));  // 2 may run now
  // Same expression: the planner keeps its place (no tick handled twice).
  job.Reconfigure(Settings("0 * * * *", 2, 2), AtWall("2025-06-13T10:40:00Z"));
  EXPECT_EQ(Iso(*job.next_run()), "2025-06-13T11:00:00Z");
}

}  // namespace
}  // namespace phpeek::schedule
