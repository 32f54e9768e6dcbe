// What a spawned instance looks like from /proc: its own process group, only 0/1/2 open, the
// documented environment, the configured user; and what is not spawned at all. The first cases run
// on both spawn paths: the usual clone, and the posix_spawn fallback (PHPEEK_PM_TEST_SPAWN).
#include <signal.h>
#include <unistd.h>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

std::vector<pid_t> WaitChildren(pid_t daemon, size_t n) {
  std::vector<pid_t> kids;
  WaitUntil([&] {
    kids = ChildrenOf(daemon);
    return kids.size() == n;
  });
  std::sort(kids.begin(), kids.end());
  return kids;
}

class SpawnPathTest : public ::testing::TestWithParam<bool> {
 protected:
  std::map<std::string, std::string> Env() const {
    if (GetParam()) return {};
    return {{"PHPEEK_PM_TEST_SPAWN", "posix_spawn"}};
  }
  void ExpectPath(const Daemon& d) const {
    // Log lines are written by a thread of their own: wait for one logged after the hook's.
    ASSERT_TRUE(d.WaitForLog("process spawned")) << d.Log();
    EXPECT_EQ(d.LogContains("test hook in effect PHPEEK_PM_TEST_SPAWN=posix_spawn"), !GetParam())
        << d.Log();
  }
};

TEST_P(SpawnPathTest, InstancesLeadTheirGroupsWithOnlyStdioAndTheirEnvironment) {
  auto s = StartDaemon(Yaml(R"(  web:
    command: ["sleep", "60"]
    scale: 2
    env:
      APP_MODE: "blue green"
)"),
                       Env());
  const pid_t d = s.daemon->pid();
  const auto kids = WaitChildren(d, 2);
  ASSERT_EQ(kids.size(), 2u) << s.daemon->Log();
  std::set<std::string> ids, indexes;
  for (pid_t k : kids) {
    // exec sets the new name a moment before the new environment: wait for both.
    ASSERT_TRUE(WaitUntil([&] {
      return ReadFile("/proc/" + std::to_string(k) + "/comm") == "sleep\n" && !EnvironOf(k).empty();
    }));
    const auto st = ReadProcStat(k);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->pgid, k);
    EXPECT_EQ(st->ppid, d);
    EXPECT_EQ(FdsSettlingTo(k, {0, 1, 2}), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(ReadFile("/proc/" + std::to_string(k) + "/fd/0").size(), 0u);
    auto env = EnvironOf(k);
    EXPECT_EQ(env["APP_MODE"], "blue green");
    EXPECT_EQ(env["PHPEEK_PM_PROCESS_NAME"], "web");
    ids.insert(env["PHPEEK_PM_INSTANCE_ID"]);
    indexes.insert(env["PHPEEK_PM_INSTANCE_INDEX"]);
    EXPECT_TRUE(env.count("PATH"));  // the daemon's environment is passed on
  }
  EXPECT_EQ(ids, (std::set<std::string>{"web-0", "web-1"}));
  EXPECT_EQ(indexes, (std::set<std::string>{"0", "1"}));
  EXPECT_TRUE(s.daemon->WaitForLog("process spawned process=web instance=web-0 pid="));
  ExpectPath(*s.daemon);
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
  for (pid_t k : kids) EXPECT_FALSE(ProcessExists(k));
}

TEST_P(SpawnPathTest, GrandchildrenShareTheInstanceGroupAndStopWithIt) {
  TempDir tmp;
  auto s = StartDaemon(
      Yaml("  svc:\n    command: \"sleep 60 & echo $! > " + tmp.Join("gc") + "; wait\"\n"), Env());
  ASSERT_TRUE(WaitUntil([&] { return ReadFile(tmp.Join("gc")).size() > 1; })) << s.daemon->Log();
  const pid_t gc = std::atoi(ReadFile(tmp.Join("gc")).c_str());
  const auto kids = ChildrenOf(s.daemon->pid());
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(ReadProcStat(gc)->pgid, kids[0]);
  ExpectPath(*s.daemon);
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
  EXPECT_FALSE(ProcessExists(gc));
}

INSTANTIATE_TEST_SUITE_P(Paths, SpawnPathTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Clone" : "PosixSpawn"; });

TEST(SpawnTest, UserAndGroupAreDroppedWhenRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  auto s =
      StartDaemon(Yaml("  low:\n    command: [\"sleep\", \"60\"]\n    user: nobody\n"
                       "    group: \"65534\"\n"));
  const auto kids = WaitChildren(s.daemon->pid(), 1);
  ASSERT_EQ(kids.size(), 1u) << s.daemon->Log();
  ASSERT_TRUE(WaitUntil(
      [&] { return ReadFile("/proc/" + std::to_string(kids[0]) + "/comm") == "sleep\n"; }));
  const std::string status = ReadFile("/proc/" + std::to_string(kids[0]) + "/status");
  EXPECT_NE(status.find("\nUid:\t65534\t65534"), std::string::npos) << status;
  EXPECT_NE(status.find("\nGid:\t65534\t65534"), std::string::npos) << status;
  EXPECT_EQ(FdsSettlingTo(kids[0], {0, 1, 2}), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(ReadProcStat(kids[0])->pgid, kids[0]);
}

TEST(SpawnTest, DisabledAndInitiallyStoppedProcessesAreNotStarted) {
  auto s = StartDaemon(Yaml(R"(  on:
    command: ["sleep", "60"]
  off:
    enabled: false
    command: ["sleep", "61"]
  later:
    initial_state: stopped
    command: ["sleep", "62"]
)"));
  ASSERT_TRUE(s.daemon->WaitForLog("process spawned process=on")) << s.daemon->Log();
  // Nothing else is coming: the only other event would be a spawn in the same turn.
  EXPECT_EQ(ChildrenOf(s.daemon->pid()).size(), 1u);
  EXPECT_FALSE(s.daemon->LogContains("process=off"));
  EXPECT_FALSE(s.daemon->LogContains("process=later"));
  EXPECT_TRUE(s.daemon->running());
}

TEST(SpawnTest, IdleDaemonUsesNoCpu) {
  auto s = StartDaemon(Yaml("  a:\n    command: [\"sleep\", \"60\"]\n    scale: 5\n"));
  ASSERT_TRUE(WaitUntil([&] { return ChildrenOf(s.daemon->pid()).size() == 5; }));
  ASSERT_TRUE(s.daemon->WaitForLog("instance=a-4"));
  const long before = CpuTicks(s.daemon->pid());
  // Measuring idleness needs a span of time by definition; nothing is awaited here.
  usleep(1500 * 1000);
  EXPECT_LE(CpuTicks(s.daemon->pid()) - before, 1);
}

}  // namespace
}  // namespace phpeek::testing
