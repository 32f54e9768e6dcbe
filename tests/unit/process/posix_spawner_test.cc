// The real spawner on real programs: process group, descriptors, signal state, env, working dir,
// user switch, and each kind of failure with its errno text.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "core/process/spawn_support.h"
#include "core/process/spawner.h"
#include "tests/support/test_support.h"

namespace phpeek::process {
namespace {

using phpeek::testing::FdsSettlingTo;
using phpeek::testing::OpenFds;
using phpeek::testing::ReadFile;
using phpeek::testing::ReadProcStat;
using phpeek::testing::TempDir;

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10000) <= 0) break;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

std::string StatusField(pid_t pid, const std::string& key) {
  const std::string text = ReadFile("/proc/" + std::to_string(pid) + "/status");
  const size_t at = text.find("\n" + key + ":");
  if (at == std::string::npos) return "";
  const size_t start = text.find_first_not_of(" \t", at + key.size() + 2);
  return text.substr(start, text.find('\n', start) - start);
}

SpawnRequest Request(std::vector<std::string> argv) {
  SpawnRequest r;
  r.argv = std::move(argv);
  r.env = {"PATH=/usr/bin:/bin", "GREETING=hi there"};
  return r;
}

void Reap(const SpawnResult& r) {
  if (r.stdout_fd >= 0) close(r.stdout_fd);
  if (r.stderr_fd >= 0) close(r.stderr_fd);
  kill(r.pid, SIGKILL);
  waitpid(r.pid, nullptr, 0);
}

// Every case on both paths: the usual clone, and posix_spawn, the fallback for kernels before 5.9
// and seccomp filters that refuse close_range (the user-switch cases take the fork path either
// way).
class PosixSpawnerTest : public ::testing::TestWithParam<bool> {};

TEST_P(PosixSpawnerTest, ChildLeadsItsGroupWithOnlyStdioAndCleanSignalState) {
  // A descriptor without close-on-exec, as a careless plugin might leave one.
  const int leaky = open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 3);
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &block, nullptr);
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(Request({"sleep", "30"}));
  close(leaky);
  pthread_sigmask(SIG_UNBLOCK, &block, nullptr);
  ASSERT_GT(r.pid, 0) << r.error_text;
  ASSERT_TRUE(phpeek::testing::WaitUntil(
      [&] { return ReadFile("/proc/" + std::to_string(r.pid) + "/comm") == "sleep\n"; }));
  EXPECT_EQ(FdsSettlingTo(r.pid, {0, 1, 2}), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(ReadProcStat(r.pid)->pgid, r.pid);
  EXPECT_EQ(StatusField(r.pid, "SigBlk"), "0000000000000000");
  EXPECT_EQ(StatusField(r.pid, "SigIgn"), "0000000000000000");
  EXPECT_EQ(fcntl(r.stdout_fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_EQ(fcntl(r.stdout_fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
  Reap(r);
}

TEST_P(PosixSpawnerTest, OutputEnvironmentAndWorkingDir) {
  TempDir dir;
  SpawnRequest req =
      Request({"sh", "-c", "echo \"$GREETING\"; pwd; echo oops >&2; read x; echo \"[$x]\""});
  req.working_dir = dir.path();
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(req);
  ASSERT_GT(r.pid, 0) << r.error_text;
  EXPECT_EQ(ReadAll(r.stdout_fd), "hi there\n" + dir.path() + "\n[]\n");  // stdin is /dev/null
  EXPECT_EQ(ReadAll(r.stderr_fd), "oops\n");
  int status = 0;
  waitpid(r.pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_P(PosixSpawnerTest, UncapturedStreamsGoToDevNull) {
  SpawnRequest req = Request({"sh", "-c", "echo out; echo err >&2"});
  req.capture_stdout = false;
  req.capture_stderr = false;
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(req);
  ASSERT_GT(r.pid, 0);
  EXPECT_EQ(r.stdout_fd, -1);
  EXPECT_EQ(r.stderr_fd, -1);
  int status = 0;
  waitpid(r.pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_P(PosixSpawnerTest, MissingProgramOnPathIsAnErrorAtSpawnTime) {
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(Request({"no-such-program-phpeek"}));
  EXPECT_LE(r.pid, 0);
  EXPECT_EQ(r.error, ENOENT);
  EXPECT_NE(r.error_text.find("not found on PATH"), std::string::npos) << r.error_text;
}

TEST_P(PosixSpawnerTest, MissingAbsoluteProgramReportsErrnoText) {
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(Request({"/nonexistent/bin/thing"}));
  EXPECT_LE(r.pid, 0);
  EXPECT_EQ(r.error, ENOENT);
  EXPECT_NE(r.error_text.find("No such file or directory"), std::string::npos) << r.error_text;
}

TEST_P(PosixSpawnerTest, NonExecutableFileReportsPermissionDenied) {
  TempDir dir;
  const std::string path = dir.Write("script.sh", "#!/bin/sh\necho hi\n");
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(Request({path}));
  EXPECT_LE(r.pid, 0);
  EXPECT_EQ(r.error, EACCES);
  EXPECT_NE(r.error_text.find("Permission denied"), std::string::npos) << r.error_text;
}

TEST_P(PosixSpawnerTest, MissingWorkingDirNamesIt) {
  SpawnRequest req = Request({"true"});
  req.working_dir = "/nonexistent/phpeek-dir";
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(req);
  EXPECT_LE(r.pid, 0);
  EXPECT_NE(r.error_text.find("/nonexistent/phpeek-dir"), std::string::npos) << r.error_text;
}

// The ids as the configuration's load resolves them (config::ResolveRunAs).
config::RunAs Nobody() {
  config::RunAs run_as;
  config::RunAsErrors errors;
  EXPECT_TRUE(config::ResolveRunAs("nobody", "", &run_as, &errors)) << errors.user;
  return run_as;
}

TEST_P(PosixSpawnerTest, UserSwitchWhenRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  SpawnRequest req = Request({"sleep", "30"});
  req.run_as = Nobody();
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(req);
  ASSERT_GT(r.pid, 0) << r.error_text;
  ASSERT_TRUE(phpeek::testing::WaitUntil(
      [&] { return ReadFile("/proc/" + std::to_string(r.pid) + "/comm") == "sleep\n"; }));
  EXPECT_EQ(StatusField(r.pid, "Uid").substr(0, 5), "65534");
  EXPECT_EQ(ReadProcStat(r.pid)->pgid, r.pid);
  EXPECT_EQ(FdsSettlingTo(r.pid, {0, 1, 2}), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(StatusField(r.pid, "SigBlk"), "0000000000000000");
  Reap(r);
}

TEST_P(PosixSpawnerTest, UserSwitchPathReportsExecFailure) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  TempDir dir;
  const std::string path = dir.Write("script.sh", "#!/bin/sh\necho hi\n");
  SpawnRequest req = Request({path});
  req.run_as = Nobody();
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(req);
  EXPECT_LE(r.pid, 0);
  EXPECT_EQ(r.error, EACCES);
}

bool SeesEof(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 10000) <= 0) return false;
  char c;
  return read(fd, &c, 1) == 0;
}

TEST_P(PosixSpawnerTest, HundredsOfParentDescriptorsNeverReachTheChild) {
  // As with many instances: lots of pipes, some without close-on-exec, at numbers below and above
  // whatever the spawner keeps for itself; then low numbers freed so that new pipes land there.
  std::vector<int> opened;
  for (int i = 0; i < 300; ++i) {
    int p[2];
    ASSERT_EQ(pipe2(p, i % 2 ? O_CLOEXEC : 0), 0);
    opened.insert(opened.end(), {p[0], p[1]});
  }
  PosixSpawner spawner(GetParam());
  const SpawnResult a = spawner.Spawn(Request({"sleep", "30"}));
  for (size_t i = 0; i < 100; ++i) close(opened[i]);
  const SpawnResult b = spawner.Spawn(Request({"sleep", "30"}));
  for (size_t i = 100; i < opened.size(); ++i) close(opened[i]);
  for (const SpawnResult* r : {&a, &b}) {
    ASSERT_GT(r->pid, 0) << r->error_text;
    ASSERT_TRUE(phpeek::testing::WaitUntil(
        [&] { return ReadFile("/proc/" + std::to_string(r->pid) + "/comm") == "sleep\n"; }));
    EXPECT_EQ(FdsSettlingTo(r->pid, {0, 1, 2}), (std::vector<int>{0, 1, 2}));
    Reap(*r);
  }
}

TEST_P(PosixSpawnerTest, ParentHandlersAndIgnoredSignalsAreDefaultInTheChild) {
  struct sigaction handler {
  }, ignore{}, old_usr2{}, old_hup{};
  handler.sa_handler = [](int) {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGUSR2, &handler, &old_usr2);
  sigaction(SIGHUP, &ignore, &old_hup);
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(Request({"sleep", "30"}));
  sigaction(SIGUSR2, &old_usr2, nullptr);
  sigaction(SIGHUP, &old_hup, nullptr);
  ASSERT_GT(r.pid, 0) << r.error_text;
  ASSERT_TRUE(phpeek::testing::WaitUntil(
      [&] { return ReadFile("/proc/" + std::to_string(r.pid) + "/comm") == "sleep\n"; }));
  EXPECT_EQ(StatusField(r.pid, "SigIgn"), "0000000000000000");
  EXPECT_EQ(StatusField(r.pid, "SigCgt"), "0000000000000000");
  Reap(r);
}

TEST_P(PosixSpawnerTest, WriteEndsAreReleasedSoExitGivesEof) {
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(Request({"true"}));
  ASSERT_GT(r.pid, 0) << r.error_text;
  int status = 0;
  waitpid(r.pid, &status, 0);
  EXPECT_TRUE(SeesEof(r.stdout_fd));
  EXPECT_TRUE(SeesEof(r.stderr_fd));
  close(r.stdout_fd);
  close(r.stderr_fd);
}

TEST_P(PosixSpawnerTest, ExtraEnvironmentIsAppended) {
  SpawnRequest req = Request({"sh", "-c", "echo \"$GREETING/$EXTRA\""});
  req.extra_env = {"EXTRA=instance-3"};
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(req);
  ASSERT_GT(r.pid, 0) << r.error_text;
  EXPECT_EQ(ReadAll(r.stdout_fd), "hi there/instance-3\n");
  close(r.stderr_fd);
  waitpid(r.pid, nullptr, 0);
}

TEST_P(PosixSpawnerTest, FailedExecLeavesNoZombie) {
  TempDir dir;
  const std::string path = dir.Write("script.sh", "#!/bin/sh\necho hi\n");
  PosixSpawner spawner(GetParam());
  const SpawnResult r = spawner.Spawn(Request({path}));
  EXPECT_EQ(r.error, EACCES);
  EXPECT_LE(waitpid(-1, nullptr, WNOHANG), 0);  // the failed child was reaped by the spawner
}

TEST_P(PosixSpawnerTest, RememberedProgramIsSearchedAgainWhenItGoes) {
  TempDir first, second;
  const std::string a = first.Write("phpeek-prog", "#!/bin/sh\necho first\n");
  const std::string b = second.Write("phpeek-prog", "#!/bin/sh\necho second\n");
  chmod(a.c_str(), 0755);
  chmod(b.c_str(), 0755);
  SpawnRequest req = Request({"phpeek-prog"});
  req.env = {"PATH=" + first.path() + ":" + second.path() + ":/usr/bin:/bin"};
  PosixSpawner spawner(GetParam());
  auto run = [&] {
    const SpawnResult r = spawner.Spawn(req);
    if (r.pid <= 0) return r.error_text;
    close(r.stderr_fd);
    const std::string out = ReadAll(r.stdout_fd);
    waitpid(r.pid, nullptr, 0);
    return out;
  };
  EXPECT_EQ(run(), "first\n");
  EXPECT_EQ(run(), "first\n");  // remembered
  unlink(a.c_str());
  EXPECT_EQ(run(), "second\n");  // the remembered file failed: searched again
  unlink(b.c_str());
  EXPECT_NE(run().find("not found on PATH"), std::string::npos);
}

TEST_P(PosixSpawnerTest, SpawnsFromSeveralThreadsAtOnce) {
  PosixSpawner spawner(GetParam());
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const SpawnResult r = spawner.Spawn(Request({"sh", "-c", "echo $GREETING"}));
        if (r.pid <= 0) continue;
        close(r.stderr_fd);
        int status = -1;
        const bool out_ok = ReadAll(r.stdout_fd) == "hi there\n";
        waitpid(r.pid, &status, 0);
        if (out_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0) ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, (std::vector<int>{20, 20, 20, 20}));
}

std::string FdTarget(pid_t pid, int fd) {
  char buf[256];
  const std::string link = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  const ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// pass_fds become 3, 4, 5 in the request's order, even when a source sits where another one goes
// (the second socket first: the lowest-numbered source is placed last) or high in the table, on
// every path (the user switch takes the fork path); nothing else is inherited.
TEST_P(PosixSpawnerTest, PassedDescriptorsBecomeThreeFourFiveInOrder) {
  const int a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  const int high = fcntl(p[0], F_DUPFD_CLOEXEC, 200);
  ASSERT_GE(a, 3);
  ASSERT_GE(high, 200);
  const std::vector<int> sources = {b, a, high};
  PosixSpawner warm_up(GetParam());  // the clone path's per-thread descriptors, kept by design
  Reap(warm_up.Spawn(Request({"true"})));
  const std::vector<int> ours = OpenFds(getpid());
  std::vector<std::optional<config::RunAs>> users = {std::nullopt};
  if (geteuid() == 0) users.push_back(Nobody());
  for (const auto& user : users) {
    SCOPED_TRACE(user ? "as nobody" : "as the daemon's user");
    SpawnRequest req = Request({"sleep", "30"});
    req.pass_fds = sources;
    req.run_as = user;
    PosixSpawner spawner(GetParam());
    const SpawnResult r = spawner.Spawn(req);
    ASSERT_GT(r.pid, 0) << r.error_text;
    ASSERT_TRUE(phpeek::testing::WaitUntil(
        [&] { return ReadFile("/proc/" + std::to_string(r.pid) + "/comm") == "sleep\n"; }));
    EXPECT_EQ(FdsSettlingTo(r.pid, {0, 1, 2, 3, 4, 5}), (std::vector<int>{0, 1, 2, 3, 4, 5}));
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(FdTarget(r.pid, 3 + i), FdTarget(getpid(), sources[i])) << "fd " << 3 + i;
    }
    Reap(r);
  }
  EXPECT_EQ(OpenFds(getpid()), ours);  // the spawner's copies of them are gone
  for (int fd : {a, b, p[0], p[1], high}) close(fd);
}

INSTANTIATE_TEST_SUITE_P(Paths, PosixSpawnerTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Clone" : "PosixSpawn"; });

TEST(SpawnSupportTest, ResolveProgramSearchesPath) {
  std::string path;
  ASSERT_TRUE(ResolveProgram("sh", {"PATH=/nonexistent:/bin"}, &path));
  EXPECT_EQ(path, "/bin/sh");
  EXPECT_FALSE(ResolveProgram("sh", {"PATH=/nonexistent"}, &path));
  ASSERT_TRUE(ResolveProgram("./relative", {}, &path));
  EXPECT_EQ(path, "./relative");
}

}  // namespace
}  // namespace phpeek::process
