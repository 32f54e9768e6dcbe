#include "core/process/instance_state.h"

#include <gtest/gtest.h>

#include <vector>

namespace phpeek::process {
namespace {

using A = InstanceAction;
using E = InstanceEvent;
using S = InstanceState;

// Drives the table through a sequence of events from `start`, returning the final state and the
// actions it asked for (ignored events leave the state alone and ask nothing).
S Drive(S start, const std::vector<E>& events, std::vector<A>* actions) {
  S s = start;
  for (E e : events) {
    const auto t = Lookup(s, e);
    if (!t) continue;
    s = t->next;
    actions->push_back(t->action);
  }
  return s;
}

TEST(InstanceStateTest, StartSpawnRun) {
  std::vector<A> actions;
  EXPECT_EQ(Drive(S::kStopped, {E::kStart, E::kSpawned}, &actions), S::kRunning);
  EXPECT_EQ(actions, (std::vector<A>{A::kSpawn, A::kNone}));
}

TEST(InstanceStateTest, CrashBackoffRestart) {
  std::vector<A> actions;
  EXPECT_EQ(Drive(S::kRunning, {E::kExitBackoff, E::kBackoffDone, E::kSpawned}, &actions),
            S::kRunning);
  EXPECT_EQ(actions, (std::vector<A>{A::kArmBackoff, A::kSpawn, A::kNone}));
}

TEST(InstanceStateTest, StopSignalsThenKillsOnTimeoutAndEndsStopped) {
  std::vector<A> actions;
  EXPECT_EQ(Drive(S::kRunning, {E::kStop, E::kStopTimeout, E::kExitEnded}, &actions), S::kStopped);
  EXPECT_EQ(actions, (std::vector<A>{A::kSignalStop, A::kKill, A::kNone}));
}

TEST(InstanceStateTest, AnExitWhileStoppingNeverRestarts) {
  for (E exit :
       {E::kExitRestart, E::kExitBackoff, E::kExitFailed, E::kExitCompleted, E::kExitEnded}) {
    const auto t = Lookup(S::kStopping, exit);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->next, S::kStopped);
    EXPECT_EQ(t->action, A::kNone);
  }
}

TEST(InstanceStateTest, StartWhileStoppingMarksARestart) {
  const auto t = Lookup(S::kStopping, E::kStart);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->next, S::kStopping);
  EXPECT_EQ(t->action, A::kMarkRestart);
}

TEST(InstanceStateTest, StopOfBackoffOrPendingStartNeedsNoSignal) {
  for (S s : {S::kBackoff, S::kStarting, S::kFailed, S::kCompleted}) {
    const auto t = Lookup(s, E::kStop);
    ASSERT_TRUE(t) << ToString(s);
    EXPECT_EQ(t->next, S::kStopped);
    EXPECT_EQ(t->action, A::kNone);
  }
}

TEST(InstanceStateTest, LateAndDuplicateEventsAreIgnored) {
  EXPECT_FALSE(Lookup(S::kStopped, E::kStop));
  EXPECT_FALSE(Lookup(S::kRunning, E::kStart));
  EXPECT_FALSE(Lookup(S::kRunning, E::kBackoffDone));
  EXPECT_FALSE(Lookup(S::kStopped, E::kStopTimeout));
  EXPECT_FALSE(Lookup(S::kFailed, E::kExitRestart));
}

TEST(InstanceStateTest, RestingStatesLeaveOnlyOnStart) {
  for (S s : {S::kStopped, S::kFailed, S::kCompleted}) {
    EXPECT_TRUE(IsAtRest(s));
    EXPECT_FALSE(HasProcess(s));
    const auto t = Lookup(s, E::kStart);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->next, S::kStarting);
    for (E e : {E::kSpawned, E::kExitRestart, E::kBackoffDone, E::kStopTimeout}) {
      EXPECT_FALSE(Lookup(s, e)) << ToString(s) << " " << ToString(e);
    }
  }
}

// A run stopped for a failing liveness check leaves kStopping as an unintended exit would leave
// kRunning; the exit events keep meaning "intentional: stopped" there.
TEST(InstanceStateTest, ALivenessStopIsJudgedFromStopping) {
  EXPECT_EQ(Lookup(S::kStopping, E::kHealthRestart)->next, S::kStarting);
  EXPECT_EQ(Lookup(S::kStopping, E::kHealthRestart)->action, A::kSpawn);
  EXPECT_EQ(Lookup(S::kStopping, E::kHealthBackoff)->next, S::kBackoff);
  EXPECT_EQ(Lookup(S::kStopping, E::kHealthBackoff)->action, A::kArmBackoff);
  EXPECT_EQ(Lookup(S::kStopping, E::kHealthFailed)->next, S::kFailed);
  EXPECT_EQ(Lookup(S::kStopping, E::kExitRestart)->next, S::kStopped);
  for (S s : {S::kStopped, S::kStarting, S::kRunning, S::kBackoff, S::kFailed, S::kCompleted}) {
    for (E e : {E::kHealthRestart, E::kHealthBackoff, E::kHealthFailed}) {
      EXPECT_FALSE(Lookup(s, e)) << ToString(s) << " " << ToString(e);
    }
  }
}

TEST(InstanceStateTest, NamesFollowTheManagementApi) {
  EXPECT_STREQ(ToString(S::kBackoff), "backoff");
  EXPECT_STREQ(ToString(S::kCompleted), "completed");
  EXPECT_STREQ(ToString(S::kStarting), "starting");
}

}  // namespace
}  // namespace phpeek::process
