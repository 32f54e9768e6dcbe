// Starting a child process, behind an interface so that the supervisor's logic does not depend on
// how the operating system is asked. The POSIX implementation (posix_spawner.cc) is the one the
// daemon uses; it is safe to call from a process that has other threads.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config/run_as.h"

namespace phpeek::process {

struct SpawnRequest {
  std::vector<std::string> argv;  // argv[0] without '/' is searched on the child's PATH
  std::vector<std::string> env;   // the child's environment, "KEY=value"
  // Appended to `env`: the per-instance entries, so that a caller can keep one request per process
  // and change only these from one spawn to the next.
  std::vector<std::string> extra_env;
  std::string working_dir;  // empty = the daemon's
  // Set to run the child as another user/group (needs root): the ids resolved when the
  // configuration was loaded (config::ResolveRunAs); nothing is looked up or parsed here.
  std::optional<config::RunAs> run_as;
  // Descriptors the child gets as 3, 4, ... in this order (listening sockets held for it); every
  // other descriptor above 2 is closed, as without them.
  std::vector<int> pass_fds;
  bool capture_stdout = true;  // false: /dev/null
  bool capture_stderr = true;
  // What stops the child's group: the crash handler sends it (core/crash/group_registry.h).
  int stop_signal = SIGTERM;
};

struct SpawnResult {
  pid_t pid = -1;      // > 0 on success; the child leads its own process group (pgid == pid)
  int stdout_fd = -1;  // read ends, non-blocking and close-on-exec; -1 when not captured
  int stderr_fd = -1;
  int error = 0;           // errno of the failure when pid <= 0
  std::string error_text;  // what failed, with the errno text, for the log
};

class Spawner {
 public:
  virtual ~Spawner() = default;
  virtual SpawnResult Spawn(const SpawnRequest& request) = 0;
};

// The real one: a vfork-style clone (clone_spawn.h; posix_spawn on kernels before 5.9), or a
// careful fork/exec when user/group must be changed. Programs found on PATH are remembered per
// (name, PATH) and looked up again when executing the remembered file fails. Every child's group
// is registered for the crash handler; while the daemon crashes, nothing is spawned. Thread-safe.
class PosixSpawner : public Spawner {
 public:
  // `try_clone` false: always posix_spawn, the fallback path (for its tests).
  explicit PosixSpawner(bool try_clone = true) : try_clone_(try_clone) {}
  SpawnResult Spawn(const SpawnRequest& request) override;

 private:
  bool Resolve(const std::string& argv0, const std::string& search_path, const std::string& key,
               std::string* path, bool* cached);
  void Forget(const std::string& key);

  const bool try_clone_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> programs_;  // argv0 + '\0' + PATH -> file
};

}  // namespace phpeek::process
