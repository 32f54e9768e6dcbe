#include "plugins/metrics/proc_stats.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

extern char** environ;

namespace phpeek::metrics {
namespace {

using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;

// A stat line with the given command name and fields 3..24 (pgrp, times, start, rss set).
std::string StatLineText(int pid, const std::string& comm, int pgrp, int utime, int stime,
                         int cutime, int cstime, int start, int rss) {
  return std::to_string(pid) + " (" + comm + ") S 1 " + std::to_string(pgrp) + " 5 0 -1 4194560 " +
         "100 0 0 0 " + std::to_string(utime) + " " + std::to_string(stime) + " " +
         std::to_string(cutime) + " " + std::to_string(cstime) + " 20 0 1 0 " +
         std::to_string(start) + " 123456 " + std::to_string(rss) + " 18446744073709551615 1 1 0\n";
}

TEST(ParseStatLine, CountsFieldsFromTheLastParenthesis) {
  const std::string line = StatLineText(12, "we ird) (name", 12, 10, 20, 30, 40, 555, 7);
  StatLine s;
  ASSERT_TRUE(ParseStatLine(line.data(), line.size(), &s));
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

// A /proc lookalike: <root>/<pid>/stat and <root>/<pid>/fd/<n>.
class FakeProc {
 public:
  void Add(int pid, int pgrp, int ticks, int rss_pages, int fds) {
    const std::string dir = root_.Join(std::to_string(pid));
    std::filesystem::create_directories(dir + "/fd");
    root_.Write(std::to_string(pid) + "/stat",
                StatLineText(pid, "p " + std::to_string(pid), pgrp, ticks, 0, 0, 0, 1, rss_pages));
    for (int i = 0; i < fds; ++i) root_.Write(std::to_string(pid) + "/fd/" + std::to_string(i), "");
  }
  std::string root() const { return root_.path(); }

 private:
  TempDir root_;
};

TEST(ProcStats, SumsEveryMemberOfTheRequestedGroupsOnly) {
  FakeProc proc;
  proc.Add(100, 100, static_cast<int>(sysconf(_SC_CLK_TCK)), 2, 3);  // leader: 1 s
  proc.Add(101, 100, 0, 5, 4);                                       // worker of 100
  proc.Add(102, 100, 0, 1, 0);
  proc.Add(200, 200, 50, 9, 9);                                      // another group, not asked
  proc.Add(300, 300, 0, 1, 1);
  std::filesystem::create_directories(proc.root() + "/self");        // non-numeric: skipped
  const ProcStats stats(proc.root());
  const auto usage = stats.ReadGroups({100, 300, 400});
  ASSERT_EQ(usage.size(), 2u);  // 400 has no member
  const GroupUsage& g = usage.at(100);
  EXPECT_EQ(g.processes, 3u);
  EXPECT_DOUBLE_EQ(g.cpu_seconds, 1.0);
  EXPECT_EQ(g.rss_bytes, 8u * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(g.open_fds, 7u);
  EXPECT_EQ(usage.at(300).processes, 1u);
  EXPECT_TRUE(stats.ReadGroups({}).empty());
}

TEST(ProcessStartTime, SelfStartedRecently) {
  const double started = ProcessStartTime("self");
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(started, now - 600);  // this test binary started moments ago
  EXPECT_LE(started, now + 1);
  EXPECT_EQ(ProcessStartTime("999999999"), 0);
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

TEST(ProcStats, ReadsARealProcessGroupIncludingReapedChildrenCpu) {
  RealGroup group;
  ASSERT_GT(group.pid(), 0);
  const ProcStats stats;
  GroupUsage g;
  ASSERT_TRUE(WaitUntil(
      [&] {
        const auto usage = stats.ReadGroups({group.pid()});
        if (usage.count(group.pid()) == 0) return false;
        g = usage.at(group.pid());
        return g.processes == 3 && g.cpu_seconds >= 0.05;  // sh + 2 sleeps; the loop was reaped
      },
      std::chrono::seconds(30)))
      << "processes=" << g.processes << " cpu=" << g.cpu_seconds;
  EXPECT_GT(g.rss_bytes, 3u * 4096u);
  EXPECT_GE(g.open_fds, 3u * 3u);  // at least stdin, stdout, stderr each
  EXPECT_EQ(stats.ReadGroups({group.pid() + 1000000}).size(), 0u);
}

}  // namespace
}  // namespace phpeek::metrics
