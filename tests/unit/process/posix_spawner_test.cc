// The real spawner on real programs: process group, descriptors, signal state, env, working dir,
// user switch, and each kind of failure with its errno text.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "core/process/spawn_support.h"
#include "core/process/spawner.h"
#include "tests/support/test_support.h"

namespace phpeek::process {
namespace {

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

TEST(PosixSpawnerTest, ChildLeadsItsGroupWithOnlyStdioAndCleanSignalState) {
  // A descriptor without close-on-exec, as a careless plugin might leave one.
  const int leaky = open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 3);
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &block, nullptr);
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(Request({"sleep", "30"}));
  close(leaky);
  pthread_sigmask(SIG_UNBLOCK, &block, nullptr);
  ASSERT_GT(r.pid, 0) << r.error_text;
  ASSERT_TRUE(phpeek::testing::WaitUntil(
      [&] { return ReadFile("/proc/" + std::to_string(r.pid) + "/comm") == "sleep\n"; }));
  auto fds = OpenFds(r.pid);
  std::sort(fds.begin(), fds.end());
  EXPECT_EQ(fds, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(ReadProcStat(r.pid)->pgid, r.pid);
  EXPECT_EQ(StatusField(r.pid, "SigBlk"), "0000000000000000");
  EXPECT_EQ(StatusField(r.pid, "SigIgn"), "0000000000000000");
  EXPECT_EQ(fcntl(r.stdout_fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_EQ(fcntl(r.stdout_fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
  Reap(r);
}

TEST(PosixSpawnerTest, OutputEnvironmentAndWorkingDir) {
  TempDir dir;
  SpawnRequest req = Request({"sh", "-c", "echo \"$GREETING\"; pwd; echo oops >&2; read x; echo \"[$x]\""});
  req.working_dir = dir.path();
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(req);
  ASSERT_GT(r.pid, 0) << r.error_text;
  EXPECT_EQ(ReadAll(r.stdout_fd), "hi there\n" + dir.path() + "\n[]\n");  // stdin is /dev/null
  EXPECT_EQ(ReadAll(r.stderr_fd), "oops\n");
  int status = 0;
  waitpid(r.pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(PosixSpawnerTest, UncapturedStreamsGoToDevNull) {
  SpawnRequest req = Request({"sh", "-c", "echo out; echo err >&2"});
  req.capture_stdout = false;
  req.capture_stderr = false;
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(req);
  ASSERT_GT(r.pid, 0);
  EXPECT_EQ(r.stdout_fd, -1);
  EXPECT_EQ(r.stderr_fd, -1);
  int status = 0;
  waitpid(r.pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(PosixSpawnerTest, MissingProgramOnPathIsAnErrorAtSpawnTime) {
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(Request({"no-such-program-phpeek"}));
  EXPECT_LE(r.pid, 0);
  EXPECT_EQ(r.error, ENOENT);
  EXPECT_NE(r.error_text.find("not found on PATH"), std::string::npos) << r.error_text;
}

TEST(PosixSpawnerTest, MissingAbsoluteProgramReportsErrnoText) {
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(Request({"/nonexistent/bin/thing"}));
  EXPECT_LE(r.pid, 0);
  EXPECT_EQ(r.error, ENOENT);
  EXPECT_NE(r.error_text.find("No such file or directory"), std::string::npos) << r.error_text;
}

TEST(PosixSpawnerTest, NonExecutableFileReportsPermissionDenied) {
  TempDir dir;
  const std::string path = dir.Write("script.sh", "#!/bin/sh\necho hi\n");
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(Request({path}));
  EXPECT_LE(r.pid, 0);
  EXPECT_EQ(r.error, EACCES);
  EXPECT_NE(r.error_text.find("Permission denied"), std::string::npos) << r.error_text;
}

TEST(PosixSpawnerTest, MissingWorkingDirNamesIt) {
  SpawnRequest req = Request({"true"});
  req.working_dir = "/nonexistent/phpeek-dir";
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(req);
  EXPECT_LE(r.pid, 0);
  EXPECT_NE(r.error_text.find("/nonexistent/phpeek-dir"), std::string::npos) << r.error_text;
}

TEST(PosixSpawnerTest, UserSwitchWhenRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  SpawnRequest req = Request({"sleep", "30"});
  req.user = "nobody";
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(req);
  ASSERT_GT(r.pid, 0) << r.error_text;
  ASSERT_TRUE(phpeek::testing::WaitUntil(
      [&] { return ReadFile("/proc/" + std::to_string(r.pid) + "/comm") == "sleep\n"; }));
  EXPECT_EQ(StatusField(r.pid, "Uid").substr(0, 5), "65534");
  EXPECT_EQ(ReadProcStat(r.pid)->pgid, r.pid);
  auto fds = OpenFds(r.pid);
  std::sort(fds.begin(), fds.end());
  EXPECT_EQ(fds, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(StatusField(r.pid, "SigBlk"), "0000000000000000");
  Reap(r);
}

TEST(PosixSpawnerTest, UserSwitchPathReportsExecFailure) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  TempDir dir;
  const std::string path = dir.Write("script.sh", "#!/bin/sh\necho hi\n");
  SpawnRequest req = Request({path});
  req.user = "nobody";
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(req);
  EXPECT_LE(r.pid, 0);
  EXPECT_EQ(r.error, EACCES);
}

TEST(PosixSpawnerTest, UnknownUserIsAnError) {
  SpawnRequest req = Request({"true"});
  req.user = "no-such-user-phpeek";
  PosixSpawner spawner;
  const SpawnResult r = spawner.Spawn(req);
  EXPECT_LE(r.pid, 0);
  EXPECT_NE(r.error_text.find("unknown user"), std::string::npos) << r.error_text;
}

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
