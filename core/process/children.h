// What the supervisor does to its children besides starting them: signal them, collect their
// changes of state (exit, stop, continue), and list them, orphans re-parented to it included.
// Behind an interface, like the Spawner, so that unit tests drive exits and observe signals
// without real processes; SystemChildren is the daemon's.
#pragma once

#include <sys/types.h>

#include <vector>

namespace phpeek::process {

// One change of a child, as waitpid(2) reports it (WIFEXITED, WIFSIGNALED, WIFSTOPPED, WIFCONTINUED
// tell which).
struct ChildChange {
  pid_t pid = 0;
  int status = 0;
};

class Children {
 public:
  enum class Collected {
    kChange,      // *out holds a change
    kNothing,     // children remain, none has anything to report now
    kNoChildren,  // no child is left at all
  };

  virtual ~Children() = default;
  // kill(2): pid > 0 is one process, pid < 0 the process group -pid. False when it failed.
  virtual bool Signal(pid_t pid, int sig) = 0;
  // Never waits.
  virtual Collected Collect(ChildChange* out) = 0;
  // Live children of this process (zombies left out).
  virtual std::vector<pid_t> List() = 0;
};

// kill, waitpid(-1, WNOHANG | WUNTRACED | WCONTINUED) and a scan of /proc.
class SystemChildren final : public Children {
 public:
  bool Signal(pid_t pid, int sig) override;
  Collected Collect(ChildChange* out) override;
  std::vector<pid_t> List() override;
};

}  // namespace phpeek::process
