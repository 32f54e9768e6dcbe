// The fast way to start a child: clone(CLONE_VM | CLONE_VFORK | CLONE_FILES), the child sharing
// the parent's memory (like glibc's posix_spawn) and, until its first system call, its descriptor
// table. posix_spawn copies the whole table into the child and then closes it there: with two
// output pipes per instance that is O(instances) work per spawn, O(n^2) for a cold start of n. Here
// the child's first act is close_range(k, ~0, CLOSE_RANGE_UNSHARE), which gives it a private
// table holding only descriptors below k; the write ends it needs are placed below k beforehand,
// in two descriptors this thread keeps reserved at low numbers.
#pragma once

#include <sys/types.h>

namespace phpeek::process {

struct ChildSetup {
  const char* path = nullptr;  // the program, already resolved
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* working_dir = nullptr;  // nullptr: the daemon's
  int stdout_fd = -1;                 // write ends for the child's 1 and 2; -1: /dev/null
  int stderr_fd = -1;
  // Become the child's 3, 4, ...; each must be >= 3 + pass_count (so that placing one never
  // overwrites another that is still to be placed).
  const int* pass_fds = nullptr;
  int pass_count = 0;
};

// Starts the child: own process group, stdin from /dev/null, only 0/1/2 (and the passed
// descriptors) open, every signal at its
// default disposition, empty signal mask. Returns 0 and sets *pid, or an errno; when exec fails
// the child has already been reaped and its errno is returned. ENOSYS: the kernel cannot do this
// (close_range with CLOSE_RANGE_UNSHARE needs Linux 5.9, and a seccomp filter may refuse it);
// nothing was started, use posix_spawn.
// Safe in a process with other threads; calls from several threads may run in parallel.
int CloneSpawn(const ChildSetup& setup, pid_t* pid);

}  // namespace phpeek::process
