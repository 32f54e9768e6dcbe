// Helpers shared by the tests: temporary directories with real files, running a command and
// capturing its output, waiting for a condition under a deadline, and reading /proc.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace phpeek::testing {

using namespace std::chrono_literals;

// A directory under $TMPDIR (or /tmp) removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
// A text no other run has (pid and clock): to find this test's processes among the machine's.
std::string UniqueMark();
// How often `what` occurs in `text` (overlapping occurrences count).
size_t CountOf(const std::string& text, const std::string& what);

// Polls `condition` until it holds or `deadline` passes. Returns whether it held.
bool WaitUntil(const std::function<bool()>& condition,
               std::chrono::milliseconds deadline = std::chrono::milliseconds(10000));

struct RunResult {
  int exit_code = -1;  // 128+N when killed by signal N; -1 when it timed out (and was killed)
  std::string out;
  std::string err;
};

// Runs argv[0] (searched on PATH) with the current environment plus `env`, and waits for it.
RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env = {},
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

// The real phpeek-pm binary as a running daemon: stdout and stderr go to a log file that the test
// reads. The destructor stops it by its own pid (SIGTERM, then SIGKILL after a deadline).
// `wrapper`, when given, is the start of the command line, before the binary (e.g. `unshare
// --pid --fork` to run it as PID 1 of a namespace); pid() is then the wrapper's.
class Daemon {
 public:
  Daemon(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
         const std::vector<std::string>& wrapper = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  pid_t pid() const { return pid_; }
  std::string Log() const;
  bool LogContains(const std::string& text) const;
  // Waits until the log contains `text`.
  bool WaitForLog(const std::string& text,
                  std::chrono::milliseconds deadline = std::chrono::milliseconds(10000)) const;
  void Signal(int sig) const;
  // Waits for the daemon to exit; returns its exit code (128+N for signal N) or nullopt.
  std::optional<int> WaitExit(
      std::chrono::milliseconds deadline = std::chrono::milliseconds(20000));
  bool running() const { return !exit_code_.has_value(); }

 private:
  TempDir dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// The phpeek-pm binary the tests run: $PHPEEK_TEST_BINARY when set (to run the suite against
// another build, e.g. to see a new test fail on an older binary), else the one built with them.
std::string BinaryPath();

// /proc readings. Each returns an empty or false value when the process is gone.
struct ProcStat {
  char state = '?';
  pid_t ppid = 0;
  pid_t pgid = 0;
  int nice = 0;  // of the main thread
};
std::optional<ProcStat> ReadProcStat(pid_t pid);
bool ProcessExists(pid_t pid);  // exists and is not a zombie
std::vector<pid_t> ChildrenOf(pid_t pid);
std::vector<int> OpenFds(pid_t pid);
// The process's open descriptors, sorted, once they equal `expected`; else the last reading at the
// deadline. A freshly exec'd program's dynamic loader holds files open for a moment, so a single
// early reading can show descriptors that were never inherited; a leaked one stays and fails.
std::vector<int> FdsSettlingTo(
    pid_t pid, const std::vector<int>& expected,
    std::chrono::milliseconds deadline = std::chrono::milliseconds(3000));
std::map<std::string, std::string> EnvironOf(pid_t pid);
// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int FreePort();

// Lowers this process's soft RLIMIT_NOFILE for one scope; a child spawned meanwhile (a daemon
// under test) inherits the lowered limit. ok(): whether setrlimit took it.
class ScopedNofileLimit {
 public:
  explicit ScopedNofileLimit(rlim_t soft);
  ~ScopedNofileLimit();
  ScopedNofileLimit(const ScopedNofileLimit&) = delete;
  ScopedNofileLimit& operator=(const ScopedNofileLimit&) = delete;
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  bool ok_ = false;
};

}  // namespace phpeek::testing
