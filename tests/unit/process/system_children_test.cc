// The daemon's Children on real processes: exits of tracked children through their pidfds (ExitFd,
// CollectExited), everything else through the walk (Collect), and no pidfd left behind whichever
// path took an exit.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "core/process/children.h"
#include "core/process/spawner.h"
#include "tests/support/test_support.h"

namespace phpeek::process {
namespace {

using phpeek::testing::OpenFds;
using phpeek::testing::WaitUntil;

pid_t StartChild(const std::string& script) {
  SpawnRequest r;
  r.argv = {"/bin/sh", "-c", script};
  r.env = {"PATH=/usr/bin:/bin"};
  r.capture_stdout = false;
  r.capture_stderr = false;
  PosixSpawner spawner;
  const SpawnResult result = spawner.Spawn(r);
  EXPECT_GT(result.pid, 0) << result.error_text;
  return result.pid;
}

bool Readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1;
}

// Polls ExitFd, as the engine's loop does, until a tracked exit is collected or 10 s pass.
bool NextExit(SystemChildren& children, ChildChange* change) {
  bool got = false;
  WaitUntil([&] {
    if (!Readable(children.ExitFd(), 100)) return false;
    got = children.CollectExited(change);
    return got;
  });
  return got;
}

size_t OpenFdCount() { return OpenFds(getpid()).size(); }

TEST(SystemChildrenTracking, ATrackedExitComesThroughItsDescriptorWithItsStatus) {
  SystemChildren children;
  ASSERT_GE(children.ExitFd(), 0);
  const pid_t pid = StartChild("exit 7");
  const size_t fds_before = OpenFdCount();  // after the spawner's own, kept for the next spawn
  children.Track(pid);
  EXPECT_EQ(children.tracked(), 1u);
  ChildChange change;
  ASSERT_TRUE(NextExit(children, &change));
  EXPECT_EQ(change.pid, pid);
  ASSERT_TRUE(WIFEXITED(change.status));
  EXPECT_EQ(WEXITSTATUS(change.status), 7);
  EXPECT_EQ(children.tracked(), 0u);
  EXPECT_FALSE(children.CollectExited(&change));
  EXPECT_FALSE(Readable(children.ExitFd(), 0));
  EXPECT_EQ(OpenFdCount(), fds_before);  // the pidfd is closed
}

TEST(SystemChildrenTracking, AKillIsReportedAsTheSignal) {
  SystemChildren children;
  const pid_t pid = StartChild("exec sleep 30");
  children.Track(pid);
  EXPECT_FALSE(Readable(children.ExitFd(), 0));  // alive: nothing to collect
  ASSERT_TRUE(children.Signal(pid, SIGKILL));
  ChildChange change;
  ASSERT_TRUE(NextExit(children, &change));
  EXPECT_EQ(change.pid, pid);
  ASSERT_TRUE(WIFSIGNALED(change.status));
  EXPECT_EQ(WTERMSIG(change.status), SIGKILL);
}

TEST(SystemChildrenTracking, AnUntrackedChildIsFoundOnlyByTheWalk) {
  SystemChildren children;
  const pid_t pid = StartChild("exit 3");
  ChildChange change;
  ASSERT_TRUE(WaitUntil([&] {
    if (children.CollectExited(&change)) ADD_FAILURE() << "an untracked child came through a pidfd";
    return children.Collect(&change) == Children::Collected::kChange;
  }));
  EXPECT_EQ(change.pid, pid);
  EXPECT_EQ(WEXITSTATUS(change.status), 3);
  EXPECT_EQ(children.Collect(&change), Children::Collected::kNoChildren);
}

TEST(SystemChildrenTracking, AnExitTheWalkTookFirstIsNotReportedTwiceAndFreesTheDescriptor) {
  SystemChildren children;
  const pid_t pid = StartChild("exit 0");
  const size_t fds_before = OpenFdCount();
  children.Track(pid);
  ASSERT_TRUE(Readable(children.ExitFd(), 10000));  // exited, not yet taken
  ChildChange change;
  ASSERT_EQ(children.Collect(&change), Children::Collected::kChange);
  EXPECT_EQ(change.pid, pid);
  EXPECT_EQ(children.tracked(), 0u);
  EXPECT_FALSE(children.CollectExited(&change));
  EXPECT_EQ(OpenFdCount(), fds_before);
}

TEST(SystemChildrenTracking, StopsComeThroughTheWalkAndTheChildStaysTracked) {
  SystemChildren children;
  const pid_t pid = StartChild("exec sleep 30");
  children.Track(pid);
  ASSERT_TRUE(children.Signal(pid, SIGSTOP));
  ChildChange change;
  ASSERT_TRUE(WaitUntil([&] { return children.Collect(&change) == Children::Collected::kChange; }));
  EXPECT_EQ(change.pid, pid);
  EXPECT_TRUE(WIFSTOPPED(change.status));
  EXPECT_EQ(children.tracked(), 1u);
  EXPECT_FALSE(children.CollectExited(&change));  // a stop is not an exit
  ASSERT_TRUE(children.Signal(pid, SIGKILL));
  ASSERT_TRUE(NextExit(children, &change));
  EXPECT_EQ(change.pid, pid);
  EXPECT_TRUE(WIFSIGNALED(change.status));
}

TEST(SystemChildrenTracking, ManyExitsAtOnceAreEachCollectedOnce) {
  SystemChildren children;
  std::set<pid_t> started;
  for (int i = 0; i < 200; ++i) {
    const pid_t pid = StartChild("exec sleep 30");
    children.Track(pid);
    started.insert(pid);
  }
  EXPECT_EQ(children.tracked(), 200u);
  for (pid_t pid : started) children.Signal(pid, SIGKILL);
  std::multiset<pid_t> seen;
  ChildChange change;
  ASSERT_TRUE(WaitUntil([&] {
    Readable(children.ExitFd(), 100);
    while (children.CollectExited(&change)) seen.insert(change.pid);
    return seen.size() >= started.size();
  }));
  EXPECT_EQ(std::set<pid_t>(seen.begin(), seen.end()), started);
  EXPECT_EQ(seen.size(), started.size());
  EXPECT_EQ(children.tracked(), 0u);
  EXPECT_EQ(children.Collect(&change), Children::Collected::kNoChildren);
}

}  // namespace
}  // namespace phpeek::process
