// The child side runs on a stack of our own, in the parent's memory, while the calling thread is
// suspended (CLONE_VFORK) until it execs or exits; so, like glibc's posix_spawn, it makes raw
// system calls only (no allocation, no locks, no sanitizer runtime), the parent blocks every
// signal around the clone so that no handler can run in the child, and an exec failure comes
// back through memory the two share.
#include "core/process/clone_spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace phpeek::process {
namespace {

constexpr size_t kStackSize = 64 * 1024;
constexpr int kMaxSignal = 64;  // _NSIG - 1 on Linux
constexpr size_t kSigsetBytes = 8;

// The kernel's struct sigaction (x86_64 and arm64 have the same layout). Raw calls reach the two
// signals glibc keeps for itself (32, 33), which its sigaction() refuses.
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  uint64_t mask;
};

// Per thread: the stack children run on, /dev/null, and two descriptors reserved at the lowest
// numbers free when the thread first spawns. Between spawns they hold /dev/null; during a spawn,
// the write ends of the output pipes, so that the child keeps only descriptors below them.
struct Slots {
  int null_fd = -1;
  int out = -1;
  int err = -1;
  void* stack = nullptr;

  ~Slots() {
    for (int fd : {null_fd, out, err}) {
      if (fd >= 0) close(fd);
    }
    if (stack) munmap(stack, kStackSize);
  }

  int Ready() {
    if (stack) return 0;
    int fds[3] = {-1, -1, -1};
    int e = 0;
    fds[0] = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fds[0] < 0) e = errno;
    for (int i = 1; i < 3 && e == 0; ++i) {
      fds[i] = fcntl(fds[0], F_DUPFD_CLOEXEC, 3);
      if (fds[i] < 0) e = errno;
    }
    void* s = MAP_FAILED;
    if (e == 0) {
      s = mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
               -1, 0);
      if (s == MAP_FAILED) e = errno;
    }
    if (e != 0) {
      for (int fd : fds) {
        if (fd >= 0) close(fd);
      }
      return e;
    }
    null_fd = fds[0];
    out = fds[1];
    err = fds[2];
    stack = s;
    return 0;
  }
};

thread_local Slots t_slots;

struct ChildArgs {
  const ChildSetup* setup;
  int out;  // descriptor to become 1, or -1 for /dev/null
  int err;
  unsigned keep_below;  // the child's private table holds only descriptors below this
  volatile int error;   // written by the child when it fails
};

[[noreturn]] __attribute__((no_sanitize("address", "undefined"))) void ChildFail(ChildArgs* a,
                                                                                 int e) {
  a->error = e;
  syscall(SYS_exit, 127);
  __builtin_unreachable();
}

__attribute__((no_sanitize("address", "undefined"))) int ChildMain(void* arg) {
  ChildArgs* a = static_cast<ChildArgs*>(arg);
  // First, before touching any descriptor: a table of our own, copied only below keep_below.
  // Failing here, the table is still the parent's: report and leave. EINVAL is a kernel without
  // the flag, EPERM a seccomp filter that does not know the call (older container runtimes).
  if (syscall(SYS_close_range, a->keep_below, ~0U, CLOSE_RANGE_UNSHARE) != 0) {
    ChildFail(a, errno == EINVAL || errno == EPERM ? ENOSYS : errno);
  }
  KernelSigaction dfl{};
  dfl.handler = SIG_DFL;
  for (int sig = 1; sig <= kMaxSignal; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) {
      syscall(SYS_rt_sigaction, sig, &dfl, nullptr, kSigsetBytes);
    }
  }
  if (syscall(SYS_setpgid, 0, 0) != 0) ChildFail(a, errno);
  long null_fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDWR);
  if (null_fd >= 0 && null_fd < 3) null_fd = syscall(SYS_fcntl, null_fd, F_DUPFD, 3);
  if (null_fd < 0) ChildFail(a, errno);
  // Every source is >= 3, so each dup3 lands a fresh descriptor without close-on-exec.
  if (syscall(SYS_dup3, null_fd, 0, 0) < 0 ||
      syscall(SYS_dup3, a->out >= 0 ? a->out : null_fd, 1, 0) < 0 ||
      syscall(SYS_dup3, a->err >= 0 ? a->err : null_fd, 2, 0) < 0) {
    ChildFail(a, errno);
  }
  const ChildSetup& s = *a->setup;
  for (int i = 0; i < s.pass_count; ++i) {
    if (syscall(SYS_dup3, s.pass_fds[i], 3 + i, 0) < 0) ChildFail(a, errno);
  }
  syscall(SYS_close_range, static_cast<unsigned>(3 + s.pass_count), ~0U, 0U);
  if (s.working_dir && syscall(SYS_chdir, s.working_dir) != 0) ChildFail(a, errno);
  const uint64_t empty = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, nullptr, kSigsetBytes);
  syscall(SYS_execve, s.path, s.argv, s.envp);
  ChildFail(a, errno);
}

}  // namespace

int CloneSpawn(const ChildSetup& setup, pid_t* pid) {
  Slots& slots = t_slots;
  if (const int e = slots.Ready(); e != 0) return e;
  ChildArgs args{&setup, -1, -1, 0, 0};
  // Whatever happens, the slots go back to /dev/null, dropping our references to the write ends
  // (the caller closes its own), so that EOF reaches us once the child is gone.
  struct Release {
    Slots& slots;
    ~Release() {
      dup3(slots.null_fd, slots.out, O_CLOEXEC);
      dup3(slots.null_fd, slots.err, O_CLOEXEC);
    }
  } release{slots};
  if (setup.stdout_fd >= 0) {
    if (dup3(setup.stdout_fd, slots.out, O_CLOEXEC) < 0) return errno;
    args.out = slots.out;
  }
  if (setup.stderr_fd >= 0) {
    if (dup3(setup.stderr_fd, slots.err, O_CLOEXEC) < 0) return errno;
    args.err = slots.err;
  }
  // The passed descriptors must be in the child's private table too: it copies the table up to
  // the highest of them (only processes with `listen:` have any).
  int highest = std::max(slots.out, slots.err);
  for (int i = 0; i < setup.pass_count; ++i) highest = std::max(highest, setup.pass_fds[i]);
  args.keep_below = static_cast<unsigned>(highest) + 1;
  // No handler may run in the child (it shares our memory and, at first, our stack frames' data).
  const uint64_t all = ~uint64_t{0};
  uint64_t old = 0;
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &old, kSigsetBytes);
  char* top = static_cast<char*>(slots.stack) + kStackSize;
  const pid_t child = clone(ChildMain, top, CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &args);
  const int clone_errno = errno;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, nullptr, kSigsetBytes);
  // From here the child has exec'd or exited (CLONE_VFORK).
  if (child < 0) return clone_errno;
  if (args.error != 0) {
    while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    return args.error;
  }
  *pid = child;
  return 0;
}

}  // namespace phpeek::process
