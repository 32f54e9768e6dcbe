// How a child is started. Three paths, all safe in a daemon that has other threads:
//  - the usual one is CloneSpawn (clone_spawn.h): a vfork-style clone whose child never copies
//    the daemon's descriptor table (hundreds of output pipes with many instances);
//  - on kernels without close_range(CLOSE_RANGE_UNSHARE) (before 5.9), posix_spawn (glibc does
//    it with CLONE_VFORK and reports an exec failure as its return value);
//  - when `user`/`group` must change, neither can help (no setuid), so we fork and, in the child,
//    make only async-signal-safe system calls before execve. The ids and the group list come
//    resolved with the request (from the configuration's load). An exec failure travels back
//    through a close-on-exec pipe as an errno.
// All give the child its own process group, an empty signal mask, default dispositions, stdin
// from /dev/null, stdout/stderr to pipes, the request's pass_fds as 3, 4, ..., no other
// descriptor, and the working directory.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/crash/group_registry.h"
#include "core/process/clone_spawn.h"
#include "core/process/spawn_support.h"
#include "core/process/spawner.h"

namespace phpeek::process {
namespace {

SpawnResult Failure(int err, const std::string& what) {
  SpawnResult r;
  r.error = err;
  r.error_text = what + ": " + std::strerror(err);
  return r;
}

bool SetUpAttributes(posix_spawnattr_t* attr) {
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  // glibc's sigfillset leaves out its two internal signals (32, 33), and posix_spawn then sets
  // them to SIG_IGN in the child, which exec keeps. Asking for their default explicitly gives the
  // child an entirely default signal table (sigaddset refuses them, hence the bits).
  all.__val[0] |= (1UL << 31) | (1UL << 32);
  short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  return posix_spawnattr_setflags(attr, flags) == 0 && posix_spawnattr_setpgroup(attr, 0) == 0 &&
         posix_spawnattr_setsigmask(attr, &empty) == 0 &&
         posix_spawnattr_setsigdefault(attr, &all) == 0;
}

void AddOutput(posix_spawn_file_actions_t* fa, const Pipe& pipe, int target) {
  if (pipe.write_fd >= 0) {
    posix_spawn_file_actions_adddup2(fa, pipe.write_fd, target);
  } else {
    posix_spawn_file_actions_addopen(fa, target, "/dev/null", O_WRONLY, 0);
  }
}

// Cleared once CloneSpawn reports that the kernel cannot do it.
std::atomic<bool> g_clone_works{true};

// Copies of the descriptors to pass, all at >= 3 + their count: a child placing them at 3, 4, ...
// never overwrites one it has yet to place. Close-on-exec; closed when this goes.
class StagedFds {
 public:
  explicit StagedFds(const std::vector<int>& fds) {
    const int above = 3 + static_cast<int>(fds.size());
    for (int fd : fds) {
      const int copy = fcntl(fd, F_DUPFD_CLOEXEC, above);
      if (copy < 0) {
        error_ = errno;
        return;
      }
      fds_.push_back(copy);
    }
  }
  ~StagedFds() {
    for (int fd : fds_) close(fd);
  }
  StagedFds(const StagedFds&) = delete;
  StagedFds& operator=(const StagedFds&) = delete;
  int error() const { return error_; }
  const std::vector<int>& fds() const { return fds_; }
  int count() const { return static_cast<int>(fds_.size()); }

 private:
  std::vector<int> fds_;
  int error_ = 0;
};

int SpawnDirect(const std::string& path, char* const* argv, char* const* envp,
                const SpawnRequest& req, const Pipe& out, const Pipe& err, const StagedFds& passed,
                pid_t* pid) {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_init(&fa);
  int rc = SetUpAttributes(&attr) ? 0 : EINVAL;
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  AddOutput(&fa, out, 1);
  AddOutput(&fa, err, 2);
  for (int i = 0; i < passed.count(); ++i) {
    posix_spawn_file_actions_adddup2(&fa, passed.fds()[i], 3 + i);
  }
  posix_spawn_file_actions_addclosefrom_np(&fa, 3 + passed.count());
  if (!req.working_dir.empty()) posix_spawn_file_actions_addchdir_np(&fa, req.working_dir.c_str());
  if (rc == 0) rc = posix_spawn(pid, path.c_str(), &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  return rc;
}

// Child side of the fork path: the passed descriptors to 3, 4, ..., the report pipe moved above
// them first if it is where one goes. Async-signal-safe.
bool PlacePassed(const StagedFds& passed, int* report_fd) {
  const int keep = 3 + passed.count();
  if (*report_fd < keep) {
    const int moved = fcntl(*report_fd, F_DUPFD_CLOEXEC, keep);
    if (moved < 0) return false;
    *report_fd = moved;
  }
  for (int i = 0; i < passed.count(); ++i) {
    if (dup2(passed.fds()[i], 3 + i) < 0) return false;
  }
  return true;
}

// Child side of the fork path: async-signal-safe calls only, then execve.
[[noreturn]] void ExecChild(const std::string& path, char* const* argv, char* const* envp,
                            const SpawnRequest& req, const Credentials& cred, const Pipe& out,
                            const Pipe& err, const StagedFds& passed, int report_fd) {
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, nullptr);
  int e = 0;
  const int null_fd = open("/dev/null", O_RDWR);
  if (setpgid(0, 0) != 0 || null_fd < 0 || dup2(null_fd, 0) < 0 ||
      dup2(out.write_fd >= 0 ? out.write_fd : null_fd, 1) < 0 ||
      dup2(err.write_fd >= 0 ? err.write_fd : null_fd, 2) < 0) {
    e = errno;
  } else if (!PlacePassed(passed, &report_fd)) {
    e = errno;
  } else if (!req.working_dir.empty() && chdir(req.working_dir.c_str()) != 0) {
    e = errno;
  } else if (setgroups(cred.groups.size(), cred.groups.data()) != 0 || setgid(cred.gid) != 0 ||
             setuid(cred.uid) != 0) {
    e = errno;
  } else {
    // Everything but 0/1/2, the passed ones and the report pipe (close-on-exec) goes now.
    const int keep = 3 + passed.count();
    if (report_fd > keep) close_range(keep, report_fd - 1, 0);
    close_range(report_fd + 1, ~0U, 0);
    execve(path.c_str(), argv, envp);
    e = errno;
  }
  ssize_t ignored = write(report_fd, &e, sizeof e);
  (void)ignored;
  _exit(127);
}

int SpawnAsUser(const std::string& path, char* const* argv, char* const* envp,
                const SpawnRequest& req, const Credentials& cred, const Pipe& out, const Pipe& err,
                const StagedFds& passed, pid_t* pid) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return errno;
  const pid_t child = fork();
  if (child == 0) ExecChild(path, argv, envp, req, cred, out, err, passed, report[1]);
  const int fork_errno = errno;
  close(report[1]);
  if (child < 0) {
    close(report[0]);
    return fork_errno;
  }
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(report[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    waitpid(child, nullptr, 0);  // it exits at once with 127
    return child_errno;
  }
  *pid = child;
  return 0;
}

// The PATH the child will see: the first entry wins, as with getenv.
std::string ChildSearchPath(const SpawnRequest& req) {
  for (const auto* list : {&req.env, &req.extra_env}) {
    for (const auto& kv : *list) {
      if (kv.rfind("PATH=", 0) == 0) return kv.substr(5);
    }
  }
  return SearchPath({});
}

int Start(const std::string& path, const SpawnRequest& req, const Credentials* cred, bool try_clone,
          const Pipe& out, const Pipe& err, pid_t* pid) {
  CStringArray argv(req.argv);
  CStringArray envp(req.env, req.extra_env);
  const StagedFds passed(req.pass_fds);
  if (passed.error() != 0) return passed.error();
  if (cred) return SpawnAsUser(path, argv.get(), envp.get(), req, *cred, out, err, passed, pid);
  if (try_clone && g_clone_works.load(std::memory_order_relaxed)) {
    ChildSetup setup;
    setup.path = path.c_str();
    setup.argv = argv.get();
    setup.envp = envp.get();
    setup.working_dir = req.working_dir.empty() ? nullptr : req.working_dir.c_str();
    setup.stdout_fd = out.write_fd;
    setup.stderr_fd = err.write_fd;
    setup.pass_fds = passed.fds().data();
    setup.pass_count = passed.count();
    const int rc = CloneSpawn(setup, pid);
    if (rc != ENOSYS) return rc;
    g_clone_works.store(false);
  }
  return SpawnDirect(path, argv.get(), envp.get(), req, out, err, passed, pid);
}

}  // namespace

// A PATH search costs a stat per directory on every spawn; the answer is kept until executing it
// fails. `key` is argv0 + '\0' + the child's PATH.
bool PosixSpawner::Resolve(const std::string& argv0, const std::string& search_path,
                           const std::string& key, std::string* path, bool* cached) {
  *cached = false;
  if (argv0.find('/') != std::string::npos) {
    *path = argv0;
    return true;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = programs_.find(key);
    if (it != programs_.end()) {
      *path = it->second;
      *cached = true;
      return true;
    }
  }
  if (!ResolveProgram(argv0, {"PATH=" + search_path}, path)) return false;
  if (access(path->c_str(), X_OK) == 0) {  // a file that is not executable is not remembered
    std::lock_guard<std::mutex> lock(mu_);
    programs_[key] = *path;
  }
  return true;
}

void PosixSpawner::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  programs_.erase(key);
}

SpawnResult PosixSpawner::Spawn(const SpawnRequest& req) {
  if (crash::Crashing()) return Failure(ECANCELED, "the daemon is crashing");
  if (req.argv.empty() || req.argv[0].empty()) return Failure(EINVAL, "empty command");
  const std::string& argv0 = req.argv[0];
  const std::string search_path = ChildSearchPath(req);
  const std::string key = argv0 + '\0' + search_path;
  std::string path;
  bool cached = false;
  if (!Resolve(argv0, search_path, key, &path, &cached)) {
    return Failure(ENOENT, "program '" + argv0 + "' not found on PATH");
  }
  struct stat st;
  if (!req.working_dir.empty() && stat(req.working_dir.c_str(), &st) != 0) {
    return Failure(errno, "working_dir '" + req.working_dir + "'");
  }
  const Credentials* cred = req.run_as ? &*req.run_as : nullptr;
  Pipe out, err;
  if ((req.capture_stdout && !out.Open()) || (req.capture_stderr && !err.Open())) {
    return Failure(errno, "cannot create output pipe");
  }
  pid_t pid = -1;
  int rc = Start(path, req, cred, try_clone_, out, err, &pid);
  if (rc != 0 && cached) {
    // The remembered file is gone or changed: search again, as the first spawn did.
    Forget(key);
    if (!Resolve(argv0, search_path, key, &path, &cached)) {
      return Failure(ENOENT, "program '" + argv0 + "' not found on PATH");
    }
    rc = Start(path, req, cred, try_clone_, out, err, &pid);
  }
  if (rc != 0) return Failure(rc, "cannot execute '" + path + "'");
  if (crash::RegisterGroup(pid, req.stop_signal) == crash::Registered::kCrashing) {
    kill(-pid, SIGKILL);  // the crash handler may have looked before it existed; it reaps it
    return Failure(ECANCELED, "the daemon is crashing");
  }
  SpawnResult r;
  r.pid = pid;
  r.stdout_fd = out.TakeReadEnd();
  r.stderr_fd = err.TakeReadEnd();
  return r;
}

}  // namespace phpeek::process
