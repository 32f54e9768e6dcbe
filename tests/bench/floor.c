/* The floor of the engine benchmarks: the least a supervisor can do for the same job. `floor N [M]`
 * posix_spawns N `sleep 1000` (each in its own process group), respawns any that dies the moment
 * SIGCHLD arrives, spawns M more on SIGUSR1 (the scale-up figure), and on SIGTERM signals every
 * child and reaps them all. The benchmark drives it exactly like phpeek-pm and supervisord, from
 * outside, so every ratio compares like with like. At exit it prints its own CPU time to stderr.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char** environ;

static pid_t Spawn(void) {
  char* argv[] = {"sleep", "1000", NULL};
  posix_spawnattr_t attr;
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setsigmask(&attr, &empty);
  pid_t pid = -1;
  if (posix_spawn(&pid, "/bin/sleep", NULL, &attr, argv, environ) != 0) {
    perror("posix_spawn");
    exit(1);
  }
  posix_spawnattr_destroy(&attr);
  return pid;
}

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: floor N [M]\n");
    return 2;
  }
  int n = atoi(argv[1]);
  const int more = argc == 3 ? atoi(argv[2]) : 0;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  pid_t* pids = calloc((size_t)(n + more), sizeof(pid_t));
  for (int i = 0; i < n; ++i) pids[i] = Spawn();
  for (;;) {
    const int sig = sigwaitinfo(&set, NULL);
    if (sig == SIGTERM) break;
    if (sig == SIGUSR1) {
      for (int i = 0; i < more; ++i) pids[n + i] = Spawn();
      n += more;
      continue;
    }
    pid_t dead;
    while ((dead = waitpid(-1, NULL, WNOHANG)) > 0) {
      for (int i = 0; i < n; ++i) {
        if (pids[i] == dead) pids[i] = Spawn();
      }
    }
  }
  for (int i = 0; i < n; ++i) kill(-pids[i], SIGTERM);
  for (int i = 0; i < n; ++i) waitpid(pids[i], NULL, 0);
  /* Its own CPU over the run, as phpeek-pm's last log line gives it (cpu_time_us). */
  struct rusage self;
  getrusage(RUSAGE_SELF, &self);
  fprintf(stderr, "floor stopped cpu_time_us=%lld\n",
          (long long)self.ru_utime.tv_sec * 1000000 + self.ru_utime.tv_usec +
              (long long)self.ru_stime.tv_sec * 1000000 + self.ru_stime.tv_usec);
  return 0;
}
