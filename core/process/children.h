// What the supervisor does to its children besides starting them: signal them, collect their
// changes of state (exit, stop, continue), and list them, orphans re-parented to it included.
// Behind an interface, like the Spawner, so that unit tests drive exits and observe signals
// without real processes; SystemChildren is the daemon's.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
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
  // Any child's change, tracked or not. Never waits. Each call costs the kernel a walk over every
  // child (waitpid(-1)); tracked children's exits are cheaper through CollectExited.
  virtual Collected Collect(ChildChange* out) = 0;
  // Live children of this process (zombies left out).
  virtual std::vector<pid_t> List() = 0;

  // Follows `pid` (a child just started) through a descriptor of its own, so that its exit is
  // found without walking every child. Children that cannot be tracked are still collected.
  virtual void Track(pid_t /*pid*/) {}
  // Readable while a tracked child has exited and CollectExited has not taken it; -1 when this
  // implementation tracks nothing.
  virtual int ExitFd() const { return -1; }
  // The exit of a tracked child, if one is ready. Never waits; costs O(1) per exit.
  virtual bool CollectExited(ChildChange* /*out*/) { return false; }
  // How many children are tracked now.
  virtual size_t tracked() const { return 0; }
  // Whether an exit of `pid` comes, or came, through CollectExited: it is tracked, or was taken
  // there since the last complete Collect walk. Lets a SIGCHLD that says only that go without a
  // walk over every child.
  virtual bool ExitIsTracked(pid_t /*pid*/) { return false; }
};

// kill, waitpid and a scan of /proc; exits of tracked children through a pidfd each (pidfd_open,
// Linux 5.3), all in one epoll set whose descriptor is ExitFd.
class SystemChildren final : public Children {
 public:
  SystemChildren();
  ~SystemChildren() override;
  SystemChildren(const SystemChildren&) = delete;
  SystemChildren& operator=(const SystemChildren&) = delete;

  bool Signal(pid_t pid, int sig) override;
  Collected Collect(ChildChange* out) override;
  std::vector<pid_t> List() override;
  void Track(pid_t pid) override;
  int ExitFd() const override { return epoll_fd_; }
  bool CollectExited(ChildChange* out) override;
  size_t tracked() const override { return pidfds_.size(); }
  bool ExitIsTracked(pid_t pid) override;

 private:
  bool NextReady(pid_t* pid, int* pidfd);
  void Reaped(pid_t pid, int status, ChildChange* out);
  void Untrack(pid_t pid);  // closes the pid's pidfd, if it has one

  int epoll_fd_ = -1;
  std::unordered_map<pid_t, int> pidfds_;
  std::vector<uint64_t> ready_;  // (pidfd << 32 | pid) of exits epoll reported, not yet taken
  std::unordered_set<pid_t> taken_by_pidfd_;  // since the last complete walk
};

}  // namespace phpeek::process
