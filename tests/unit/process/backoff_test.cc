#include "core/process/backoff.h"

#include <gtest/gtest.h>

namespace phpeek::process {
namespace {

using config::ProcessType;
using config::RestartPolicy;
using std::chrono::milliseconds;

RestartParams Params(int initial_ms, int max_ms, int attempts, int min_uptime_ms = 1000) {
  RestartParams p;
  p.backoff_initial = milliseconds(initial_ms);
  p.backoff_max = milliseconds(max_ms);
  p.max_attempts = attempts;
  p.min_uptime = milliseconds(min_uptime_ms);
  return p;
}

TEST(BackoffTest, DelayDoublesFromInitialAndIsCapped) {
  const RestartParams p = Params(1000, 60000, 5);
  EXPECT_EQ(BackoffDelay(p, 1), milliseconds(1000));
  EXPECT_EQ(BackoffDelay(p, 2), milliseconds(2000));
  EXPECT_EQ(BackoffDelay(p, 3), milliseconds(4000));
  EXPECT_EQ(BackoffDelay(p, 6), milliseconds(32000));
  EXPECT_EQ(BackoffDelay(p, 7), milliseconds(60000));
  EXPECT_EQ(BackoffDelay(p, 1000000), milliseconds(60000));  // no overflow
  EXPECT_EQ(BackoffDelay(p, 0), milliseconds(0));
}

TEST(BackoffTest, RunOfMinUptimeIsStableRestartsAtOnceAndResetsCount) {
  const RestartParams p = Params(1000, 60000, 5);  // min_uptime 1s, the default
  for (int uptime : {1000, 1500, 10000}) {
    const auto d = DecideAfterExit(p, RestartPolicy::kAlways, ProcessType::kLongrun,
                                   {false, milliseconds(uptime), 4});
    EXPECT_EQ(d.outcome, ExitOutcome::kRestart) << uptime;
    EXPECT_EQ(d.delay, milliseconds(0)) << uptime;
    EXPECT_EQ(d.consecutive_failures, 0) << uptime;
  }
  const auto quick = DecideAfterExit(p, RestartPolicy::kAlways, ProcessType::kLongrun,
                                     {false, milliseconds(999), 0});
  EXPECT_EQ(quick.delay, milliseconds(1000));
  EXPECT_EQ(quick.consecutive_failures, 1);
}

TEST(BackoffTest, MinUptimeIsThePerProcessThreshold) {
  const RestartParams p = Params(100, 60000, 5, 5000);
  const auto d = DecideAfterExit(p, RestartPolicy::kAlways, ProcessType::kLongrun,
                                 {false, milliseconds(4000), 0});
  EXPECT_EQ(d.delay, milliseconds(100));
  config::GlobalSpec global;
  global.min_uptime = milliseconds(2000);
  config::ProcessSpec spec;
  spec.min_uptime = milliseconds(300);
  EXPECT_EQ(RestartParamsFor(global, spec).min_uptime, milliseconds(300));
  EXPECT_EQ(RestartParamsFor(global, spec).backoff_initial, global.restart_backoff_initial);
}

TEST(BackoffTest, CleanExitOfALongrunRestartsAtOnceAndNeverCounts) {
  const RestartParams p = Params(1000, 60000, 3);
  int failures = 2;  // two quick crashes before: a clean exit breaks the streak
  for (int run = 0; run < 50; ++run) {
    const auto d = DecideAfterExit(p, RestartPolicy::kAlways, ProcessType::kLongrun,
                                   {true, milliseconds(100), failures});
    ASSERT_EQ(d.outcome, ExitOutcome::kRestart);
    ASSERT_EQ(d.delay, milliseconds(0));
    failures = d.consecutive_failures;
    ASSERT_EQ(failures, 0);
  }
  EXPECT_EQ(DecideAfterExit(p, RestartPolicy::kOnFailure, ProcessType::kLongrun,
                            {true, milliseconds(100), 2})
                .outcome,
            ExitOutcome::kEndedWell);
}

TEST(BackoffTest, QuickFailuresGrowTheDelayThenGiveUp) {
  const RestartParams p = Params(1000, 60000, 5);
  int failures = 0;
  std::vector<long> delays;
  RestartDecision d;
  for (int run = 0; run < 10; ++run) {
    d = DecideAfterExit(p, RestartPolicy::kAlways, ProcessType::kLongrun,
                        {false, milliseconds(50), failures});
    failures = d.consecutive_failures;
    if (d.outcome != ExitOutcome::kRestart) break;
    delays.push_back(static_cast<long>(d.delay.count()));
  }
  EXPECT_EQ(delays, (std::vector<long>{1000, 2000, 4000, 8000}));
  EXPECT_EQ(d.outcome, ExitOutcome::kFailed);
  EXPECT_EQ(failures, 5);
}

TEST(BackoffTest, ZeroMaxAttemptsNeverGivesUp) {
  const RestartParams p = Params(10, 100, 0);
  int failures = 0;
  for (int run = 0; run < 200; ++run) {
    const auto d = DecideAfterExit(p, RestartPolicy::kOnFailure, ProcessType::kLongrun,
                                   {false, milliseconds(1), failures});
    ASSERT_EQ(d.outcome, ExitOutcome::kRestart);
    failures = d.consecutive_failures;
  }
  EXPECT_EQ(BackoffDelay(p, failures), milliseconds(100));
}

TEST(BackoffTest, FailedSpawnIsNeverStableEvenWithZeroThreshold) {
  const RestartParams p = Params(0, 0, 3);
  const auto d = DecideAfterExit(p, RestartPolicy::kAlways, ProcessType::kLongrun,
                                 {false, milliseconds(0), 2});
  EXPECT_EQ(d.outcome, ExitOutcome::kFailed);
}

TEST(BackoffTest, PoliciesForLongrun) {
  const RestartParams p = Params(1000, 60000, 5);
  const RunEnd ok{true, milliseconds(20000), 0};
  const RunEnd bad{false, milliseconds(20000), 0};
  EXPECT_EQ(DecideAfterExit(p, RestartPolicy::kAlways, ProcessType::kLongrun, ok).outcome,
            ExitOutcome::kRestart);
  EXPECT_EQ(DecideAfterExit(p, RestartPolicy::kOnFailure, ProcessType::kLongrun, ok).outcome,
            ExitOutcome::kEndedWell);
  EXPECT_EQ(DecideAfterExit(p, RestartPolicy::kOnFailure, ProcessType::kLongrun, bad).outcome,
            ExitOutcome::kRestart);
  EXPECT_EQ(DecideAfterExit(p, RestartPolicy::kNever, ProcessType::kLongrun, ok).outcome,
            ExitOutcome::kEndedWell);
  EXPECT_EQ(DecideAfterExit(p, RestartPolicy::kNever, ProcessType::kLongrun, bad).outcome,
            ExitOutcome::kFailed);
}

TEST(BackoffTest, OneshotCompletesOnSuccessAndRetriesFailureUnlessNever) {
  const RestartParams p = Params(1000, 60000, 5);
  const RunEnd ok{true, milliseconds(5), 0};
  const RunEnd bad{false, milliseconds(5), 0};
  for (auto policy : {RestartPolicy::kAlways, RestartPolicy::kOnFailure, RestartPolicy::kNever}) {
    EXPECT_EQ(DecideAfterExit(p, policy, ProcessType::kOneshot, ok).outcome,
              ExitOutcome::kCompleted);
  }
  EXPECT_EQ(DecideAfterExit(p, RestartPolicy::kAlways, ProcessType::kOneshot, bad).outcome,
            ExitOutcome::kRestart);
  EXPECT_EQ(DecideAfterExit(p, RestartPolicy::kNever, ProcessType::kOneshot, bad).outcome,
            ExitOutcome::kFailed);
}

}  // namespace
}  // namespace phpeek::process
