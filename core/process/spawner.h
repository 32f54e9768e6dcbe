// Starting a child process, behind an interface so that the supervisor's logic does not depend on
// how the operating system is asked. The POSIX implementation (posix_spawner.cc) is the one the
// daemon uses; it is safe to call from a process that has other threads.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace phpeek::process {

struct SpawnRequest {
  std::vector<std::string> argv;  // argv[0] without '/' is searched on the child's PATH
  std::vector<std::string> env;   // the child's complete environment, "KEY=value"
  std::string working_dir;        // empty = the daemon's
  std::string user;               // name or number; empty = unchanged (needs root otherwise)
  std::string group;              // name or number; empty = the user's primary group
  bool capture_stdout = true;     // false: /dev/null
  bool capture_stderr = true;
};

struct SpawnResult {
  pid_t pid = -1;      // > 0 on success; the child leads its own process group (pgid == pid)
  int stdout_fd = -1;  // read ends, non-blocking and close-on-exec; -1 when not captured
  int stderr_fd = -1;
  int error = 0;       // errno of the failure when pid <= 0
  std::string error_text;  // what failed, with the errno text, for the log
};

class Spawner {
 public:
  virtual ~Spawner() = default;
  virtual SpawnResult Spawn(const SpawnRequest& request) = 0;
};

// The real one: posix_spawn, or a careful fork/exec when user/group must be changed.
class PosixSpawner : public Spawner {
 public:
  SpawnResult Spawn(const SpawnRequest& request) override;
};

}  // namespace phpeek::process
