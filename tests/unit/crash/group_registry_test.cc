// The table of supervised process groups the crash handler reads: what goes in, what comes out,
// a full table, and registration once a crash is under way.
#include "core/crash/group_registry.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

namespace phpeek::crash {
namespace {

std::map<pid_t, int> Groups() {
  std::map<pid_t, int> out;
  ForEachGroup([&](pid_t pgid, int sig) { out[pgid] = sig; });
  return out;
}

TEST(GroupRegistry, RegisteredGroupsAreListedWithTheirStopSignalUntilUnregistered) {
  EXPECT_EQ(RegisterGroup(100001, SIGTERM), Registered::kYes);
  EXPECT_EQ(RegisterGroup(100002, SIGQUIT), Registered::kYes);
  EXPECT_EQ(Groups(), (std::map<pid_t, int>{{100001, SIGTERM}, {100002, SIGQUIT}}));
  EXPECT_TRUE(IsRegisteredGroup(100002));
  UnregisterGroup(100001);
  UnregisterGroup(99);  // unknown: nothing happens
  EXPECT_EQ(Groups(), (std::map<pid_t, int>{{100002, SIGQUIT}}));
  EXPECT_FALSE(IsRegisteredGroup(100001));
  UnregisterGroup(100002);
  EXPECT_TRUE(Groups().empty());
  EXPECT_EQ(RegisterGroup(0, SIGTERM), Registered::kFull);  // not a group: never listed
  EXPECT_TRUE(Groups().empty());
}

TEST(GroupRegistry, AFullTableSaysSoAndFreedSlotsAreReused) {
  const pid_t base = 200000;
  for (size_t i = 0; i < detail::kSlots; ++i) {
    ASSERT_EQ(RegisterGroup(base + static_cast<pid_t>(i), SIGTERM), Registered::kYes) << i;
  }
  EXPECT_EQ(RegisterGroup(base - 1, SIGTERM), Registered::kFull);
  UnregisterGroup(base + 77);
  EXPECT_EQ(RegisterGroup(base - 1, SIGINT), Registered::kYes);
  EXPECT_EQ(Groups().at(base - 1), SIGINT);
  for (const auto& [pgid, sig] : Groups()) UnregisterGroup(pgid);
  EXPECT_TRUE(Groups().empty());
}

// Groups kSlots apart start their search at the same slot: each still lands in a slot of its own,
// and removing the first does not hide the second.
TEST(GroupRegistry, GroupsSharingAStartingSlotAreEachKeptAndRemoved) {
  const pid_t first = 400000;
  const pid_t second = first + static_cast<pid_t>(detail::kSlots);
  const pid_t third = second + static_cast<pid_t>(detail::kSlots);
  for (pid_t g : {first, second, third}) ASSERT_EQ(RegisterGroup(g, SIGTERM), Registered::kYes);
  EXPECT_EQ(Groups().size(), 3u);
  UnregisterGroup(first);
  EXPECT_EQ(Groups(), (std::map<pid_t, int>{{second, SIGTERM}, {third, SIGTERM}}));
  UnregisterGroup(third);
  EXPECT_EQ(Groups(), (std::map<pid_t, int>{{second, SIGTERM}}));
  UnregisterGroup(second);
  EXPECT_TRUE(Groups().empty());
}

// In a child process: MarkCrashing cannot be undone.
TEST(GroupRegistry, OnceCrashingRegistrationTellsTheCallerToKillTheGroupItself) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (Crashing()) _exit(1);
    MarkCrashing();
    if (!Crashing()) _exit(2);
    if (RegisterGroup(300001, SIGTERM) != Registered::kCrashing) _exit(3);
    _exit(IsRegisteredGroup(300001) ? 0 : 4);  // listed all the same: the handler may see it
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(Crashing());
}

}  // namespace
}  // namespace phpeek::crash
