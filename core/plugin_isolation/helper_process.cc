#include "core/plugin_isolation/helper_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/plugin_isolation/protocol.h"
#include "core/process/helper_children.h"

extern char** environ;

namespace phpeek::plugin_isolation {
namespace {

// posix_spawn's failure as text; the attributes and actions are released either way.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

bool SpawnHelper(HelperProcess* out, std::string* err) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    *err = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  // The child's end must not already be descriptor 3 (dup2 onto itself would keep close-on-exec).
  if (fds[1] <= kHelperFd) {
    const int moved = fcntl(fds[1], F_DUPFD_CLOEXEC, kHelperFd + 1);
    close(fds[1]);
    fds[1] = moved;
  }
  SpawnSetup s;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  posix_spawn_file_actions_adddup2(&s.actions, fds[1], kHelperFd);
  posix_spawn_file_actions_addclosefrom_np(&s.actions, kHelperFd + 1);
  const std::string parent = std::to_string(getpid());
  char arg0[] = "phpeek-pm";
  char arg1[] = "plugin-host";
  char arg2[] = "--parent";
  std::string arg3 = parent;
  char* argv[] = {arg0, arg1, arg2, arg3.data(), nullptr};
  int rc = 0;
  const pid_t pid = process::helper_children::SpawnRegistered([&]() -> pid_t {
    pid_t child = -1;
    rc = posix_spawn(&child, "/proc/self/exe", &s.actions, &s.attr, argv, environ);
    return rc == 0 ? child : -1;
  });
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    *err = std::string("posix_spawn /proc/self/exe: ") + std::strerror(rc);
    return false;
  }
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  out->pid = pid;
  out->fd = fds[0];
  return true;
}

}  // namespace phpeek::plugin_isolation
