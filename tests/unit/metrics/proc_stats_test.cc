#include "plugins/metrics/proc_stats.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/support/test_support.h"

extern char** environ;

namespace phpeek::metrics {
namespace {

using phpeek::testing::ReadFile;
using phpeek::testing::ScopedNofileLimit;
using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;

// A stat line with the given command name and fields 3..24 (pgrp, times, start, rss set).
std::string StatLineText(int pid, const std::string& comm, int pgrp, int utime, int stime,
                         int cutime, int cstime, int start, int rss, int threads = 1) {
  return std::to_string(pid) + " (" + comm + ") S 1 " + std::to_string(pgrp) + " 5 0 -1 4194560 " +
         "100 0 0 0 " + std::to_string(utime) + " " + std::to_string(stime) + " " +
         std::to_string(cutime) + " " + std::to_string(cstime) + " 20 0 " +
         std::to_string(threads) + " 0 " + std::to_string(start) + " 123456 " +
         std::to_string(rss) + " 18446744073709551615 1 1 0\n";
}

TEST(ParseStatLine, CountsFieldsFromTheLastParenthesis) {
  const std::string line = StatLineText(12, "we ird) (name", 12, 10, 20, 30, 40, 555, 7, 3);
  StatLine s;
  ASSERT_TRUE(ParseStatLine(line.data(), line.size(), &s));
  EXPECT_EQ(s.threads, 3u);
  EXPECT_EQ(s.pgrp, 12);
  EXPECT_EQ(s.cpu_ticks, 100u);
  EXPECT_EQ(s.rss_pages, 7u);
  EXPECT_EQ(s.start_ticks, 555u);
}

TEST(ParseStatLine, RejectsTruncatedOrMalformedLines) {
  StatLine s;
  const std::string no_paren = "12 name S 1 2 3";
  EXPECT_FALSE(ParseStatLine(no_paren.data(), no_paren.size(), &s));
  const std::string truncated = "12 (x) S 1 12 5 0 -1 4194560 100 0 0 0 10 20";
  EXPECT_FALSE(ParseStatLine(truncated.data(), truncated.size(), &s));
}

// A /proc lookalike: <root>/<pid>/stat, <root>/<pid>/fd/<n>, <root>/<pid>/task/<tid>/children,
// and <root>/self/task/1/children for the daemon's own children.
class FakeProc {
 public:
  // `parent` 0 is the daemon; `parent_tid` the parent's thread that spawned it.
  void Add(int pid, int pgrp, int ticks, int rss_pages, int fds, int parent = 0, int parent_tid = 0,
           int threads = 1) {
    const std::string p = std::to_string(pid);
    std::filesystem::create_directories(root_.Join(p + "/fd"));
    std::filesystem::create_directories(root_.Join(p + "/task/" + p));
    root_.Write(p + "/stat",
                StatLineText(pid, "p " + p, pgrp, ticks, 0, 0, 0, 1, rss_pages, threads));
    for (int i = 0; i < fds; ++i) root_.Write(p + "/fd/" + std::to_string(i), "");
    const std::string parent_dir = parent == 0 ? "self" : std::to_string(parent);
    const std::string tid = parent == 0 ? "1" : std::to_string(parent_tid ? parent_tid : parent);
    const std::string children = parent_dir + "/task/" + tid + "/children";
    std::filesystem::create_directories(root_.Join(parent_dir + "/task/" + tid));
    std::string existing;
    if (std::filesystem::exists(root_.Join(children))) existing = ReadFile(root_.Join(children));
    root_.Write(children, existing + p + " ");
  }
  std::string root() const { return root_.path(); }

 private:
  TempDir root_;
};

TEST(ProcStats, SumsEveryMemberOfTheRequestedGroupsOnly) {
  FakeProc proc;
  const int tck = static_cast<int>(sysconf(_SC_CLK_TCK));
  proc.Add(100, 100, tck, 2, 3, 0, 0, /*threads=*/2);     // leader, 1 s, two threads
  proc.Add(101, 100, 0, 5, 4, 100);                       // worker spawned by the main thread
  proc.Add(102, 100, 0, 1, 0, 100, /*parent_tid=*/1001);  // spawned by the second thread
  proc.Add(104, 100, tck / 2, 1, 1, 101);                 // grandchild
  proc.Add(105, 105, 0, 64, 9, 100);                      // setsid'd daemon: left the group
  proc.Add(106, 100, 0, 1, 0, 105);                       // below it, not walked
  proc.Add(103, 100, 0, 1, 2);                            // orphan of the group, reparented to us
  proc.Add(200, 200, 50, 9, 9);                           // another group, not asked
  proc.Add(300, 300, 0, 1, 1);
  ProcStats stats(proc.root());
  const auto usage = stats.ReadGroups({100, 300, 400});
  ASSERT_EQ(usage.size(), 2u);  // 400 has no member
  const GroupUsage& g = usage.at(100);
  EXPECT_EQ(g.processes, 5u);  // 100, 101, 102, 103, 104
  EXPECT_DOUBLE_EQ(g.cpu_seconds, 1.5);
  EXPECT_EQ(g.rss_bytes, 10u * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(g.open_fds, 10u);
  EXPECT_EQ(usage.at(300).processes, 1u);
  EXPECT_TRUE(stats.ReadGroups({}).empty());
}

TEST(ProcessStartTime, SelfStartedRecently) {
  const std::optional<double> started = ProcessStartTime("self");
  ASSERT_TRUE(started.has_value());
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(*started, now - 600);  // this test binary started moments ago
  EXPECT_LE(*started, now + 1);
  std::string why;
  EXPECT_FALSE(ProcessStartTime("999999999", "/proc", &why).has_value());
  EXPECT_EQ(why, "/proc/999999999/stat: No such file or directory");
}

TEST(ProbeProcfs, TheRealProcHasEverything) {
  const ProcfsStatus status = ProbeProcfs("/proc");
  EXPECT_TRUE(status.processes);
  EXPECT_TRUE(status.children);
  EXPECT_TRUE(status.daemon_start.has_value());
  EXPECT_TRUE(status.missing.empty()) << status.missing.front();
}

TEST(ProbeProcfs, AnEmptyRootSaysWhatIsMissing) {
  TempDir empty;
  const ProcfsStatus status = ProbeProcfs(empty.path());
  EXPECT_FALSE(status.processes);
  EXPECT_FALSE(status.daemon_start.has_value());
  ASSERT_EQ(status.missing.size(), 1u);  // one reason: self/stat, named once
  EXPECT_EQ(status.missing[0], empty.path() + "/self/stat: No such file or directory");
  EXPECT_TRUE(ProcStats(empty.path()).ReadGroups({1, 2}).empty());
  const ProcfsStatus nowhere = ProbeProcfs(empty.path() + "/absent");
  EXPECT_FALSE(nowhere.processes);
  EXPECT_FALSE(nowhere.daemon_start.has_value());
}

TEST(ProbeProcfs, APartialRootComputesWhatItCanAndNamesTheRest) {
  TempDir root;
  const long tck = sysconf(_SC_CLK_TCK);
  root.Write("self/stat",
             StatLineText(7, "phpeek-pm", 7, 0, 0, 0, 0, static_cast<int>(3 * tck), 1));
  root.Write("stat", "cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n");
  ProcfsStatus status = ProbeProcfs(root.path());
  EXPECT_TRUE(status.processes);
  ASSERT_TRUE(status.daemon_start.has_value());
  EXPECT_DOUBLE_EQ(*status.daemon_start, 1700000003.0);
  EXPECT_FALSE(status.children);  // no thread-self/children: a kernel without CONFIG_PROC_CHILDREN
  ASSERT_EQ(status.missing.size(), 1u);
  EXPECT_EQ(status.missing[0], root.path() + "/thread-self/children: No such file or directory");

  root.Write("thread-self/children", "");
  root.Write("stat", "cpu  1 2 3\n");
  status = ProbeProcfs(root.path());
  EXPECT_TRUE(status.processes);
  EXPECT_TRUE(status.children);
  EXPECT_FALSE(status.daemon_start.has_value());
  ASSERT_EQ(status.missing.size(), 1u);
  EXPECT_EQ(status.missing[0], root.path() + "/stat: no btime line");
}

TEST(ProcStats, UnreadableEntriesMakeTheirGroupIncompleteInsteadOfLow) {
  FakeProc proc;
  proc.Add(100, 100, 0, 2, 3);
  proc.Add(101, 100, 0, 5, 4, 100);  // its fd "directory" is a file: unreadable as a directory
  proc.Add(200, 200, 0, 2, 1);
  proc.Add(201, 200, 0, 2, 1, 200);  // its stat is a directory: unreadable
  proc.Add(300, 300, 0, 2, 1);
  std::filesystem::remove_all(proc.root() + "/101/fd");
  phpeek::testing::TempDir unused;
  std::filesystem::copy_file(unused.Write("f", ""), proc.root() + "/101/fd");
  std::filesystem::remove(proc.root() + "/201/stat");
  std::filesystem::create_directories(proc.root() + "/201/stat");
  std::string problem;
  const auto usage = ProcStats(proc.root()).ReadGroups({100, 200, 300}, &problem);
  EXPECT_TRUE(usage.at(100).complete);
  EXPECT_FALSE(usage.at(100).fds_known);
  EXPECT_FALSE(usage.at(200).complete);
  EXPECT_TRUE(usage.at(300).complete);
  EXPECT_TRUE(usage.at(300).fds_known);
  EXPECT_FALSE(problem.empty());
  EXPECT_TRUE(problem.rfind(proc.root() + "/101/fd: ", 0) == 0 ||
              problem.rfind(proc.root() + "/201/stat: ", 0) == 0)
      << problem;
  // A member that vanished (the process exited) is no problem.
  std::filesystem::remove_all(proc.root() + "/201");
  std::filesystem::remove_all(proc.root() + "/101");
  problem.clear();
  const auto after = ProcStats(proc.root()).ReadGroups({100, 200}, &problem);
  EXPECT_TRUE(after.at(100).complete && after.at(100).fds_known);
  EXPECT_TRUE(after.at(200).complete);
  EXPECT_EQ(problem, "");
}

// A real process group: a shell that burns CPU in a child it reaps, then keeps two sleepers.
class RealGroup {
 public:
  RealGroup() {
    const char* script =
        "(i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done); sleep 60 & sleep 60 & wait";
    const char* argv[] = {"sh", "-c", script, nullptr};
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const int rc = posix_spawnp(&pid_, "sh", nullptr, &attr, const_cast<char**>(argv), environ);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) pid_ = -1;
  }
  ~RealGroup() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);  // our own group, by its id
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Open descriptors of every process in group `pgid`, by listing /proc directly.
uint64_t ListGroupFds(pid_t pgid) {
  uint64_t listed = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto st = phpeek::testing::ReadProcStat(std::stoi(name));
    if (st && st->pgid == pgid) listed += phpeek::testing::OpenFds(std::stoi(name)).size();
  }
  return listed;
}

TEST(ProcStats, ReadsARealProcessGroupIncludingReapedChildrenCpu) {
  RealGroup group;
  ASSERT_GT(group.pid(), 0);
  ProcStats stats;
  GroupUsage g;
  uint64_t listed = 0;
  // The shell's children pass through fork-before-exec moments with extra descriptors, so the
  // plugin's count and a listing of every member's fd directory are compared once both settle.
  ASSERT_TRUE(WaitUntil(
      [&] {
        const auto usage = stats.ReadGroups({group.pid()});
        if (usage.count(group.pid()) == 0) return false;
        g = usage.at(group.pid());
        listed = ListGroupFds(group.pid());
        // sh + 2 sleeps (the CPU loop was reaped), and the same fd count both ways
        return g.processes == 3 && g.cpu_seconds >= 0.05 && g.open_fds == listed;
      },
      std::chrono::seconds(30)))
      << "processes=" << g.processes << " cpu=" << g.cpu_seconds << " fds=" << g.open_fds
      << " listed=" << listed;
  EXPECT_GT(g.rss_bytes, 3u * 4096u);
  EXPECT_GE(g.open_fds, 3u * 3u);  // at least stdin, stdout, stderr each
  EXPECT_EQ(stats.ReadGroups({group.pid() + 1000000}).size(), 0u);
}

// A process group whose leader (sh) starts a member when told through its stdin, ends it when told
// again, and exits at the end of its input.
class SteppedGroup {
 public:
  SteppedGroup() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    const char* argv[] = {"sh", "-c", "read a; sleep 60 & read b; kill $!; wait $!; read c",
                          nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    if (posix_spawnp(&pid_, "sh", &actions, &attr, const_cast<char**>(argv), environ) != 0) {
      pid_ = -1;
    }
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[0]);
    input_ = fds[1];
  }
  ~SteppedGroup() {
    if (input_ >= 0) ::close(input_);
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);  // our own group, by its id
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  bool Step() { return ::write(input_, "\n", 1) == 1; }
  // Ends the leader (its last read sees the end of input) and reaps it.
  bool End() {
    ::close(input_);
    input_ = -1;
    int status = 0;
    const bool reaped = ::waitpid(pid_, &status, 0) == pid_;
    pid_ = -1;
    return reaped;
  }

 private:
  pid_t pid_ = -1;
  int input_ = -1;
};

uint32_t MembersOf(ProcStats* stats, pid_t pgid) {
  const auto usage = stats->ReadGroups({pgid});
  const auto it = usage.find(pgid);
  return it == usage.end() ? 0 : it->second.processes;
}

TEST(ProcStats, HeldFilesFollowMembersThatComeAndGoBetweenReadings) {
  SteppedGroup group;
  const pid_t pgid = group.pid();
  ASSERT_GT(pgid, 0);
  ProcStats stats;
  ASSERT_EQ(MembersOf(&stats, pgid), 1u);
  EXPECT_EQ(stats.held_processes(), 1u);  // the leader; the test's other children are no members
  ASSERT_TRUE(group.Step());              // a member appears: found below the held leader
  ASSERT_TRUE(WaitUntil([&] { return MembersOf(&stats, pgid) == 2; }, std::chrono::seconds(10)));
  EXPECT_EQ(stats.held_processes(), 2u);
  ASSERT_TRUE(group.Step());  // it exits and is reaped: its held files read nothing any more
  ASSERT_TRUE(WaitUntil([&] { return MembersOf(&stats, pgid) == 1; }, std::chrono::seconds(10)));
  EXPECT_EQ(stats.held_processes(), 1u);
  ASSERT_TRUE(group.End());  // the leader is reaped: the group is gone, nothing stays held
  EXPECT_EQ(MembersOf(&stats, pgid), 0u);
  EXPECT_EQ(stats.held_processes(), 0u);
}

TEST(ProcStats, HoldsNoFilesWhenHalfTheDescriptorLimitIsInUse) {
  SteppedGroup group;
  ASSERT_GT(group.pid(), 0);
  ProcStats stats;
  ASSERT_EQ(MembersOf(&stats, group.pid()), 1u);
  ASSERT_EQ(stats.held_processes(), 1u);
  {
    const ScopedNofileLimit limit(2 * phpeek::testing::OpenFds(::getpid()).size());
    ASSERT_TRUE(limit.ok());
    // Read by path instead, with the same result; what was held is let go.
    EXPECT_EQ(MembersOf(&stats, group.pid()), 1u);
    EXPECT_EQ(stats.held_processes(), 0u);
  }
  EXPECT_EQ(MembersOf(&stats, group.pid()), 1u);
  EXPECT_EQ(stats.held_processes(), 1u);
  EXPECT_TRUE(stats.ReadGroups({}).empty());  // no instance runs: nothing stays held
  EXPECT_EQ(stats.held_processes(), 0u);
}

}  // namespace
}  // namespace phpeek::metrics
