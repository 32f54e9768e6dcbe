/* The floor of the engine benchmarks: the least work a supervisor can do for the same job, a bare
 * posix_spawn loop with waitpid. Every figure the benchmark prints is a ratio to this.
 *
 *   floor start N      spawn N `sleep 1000`, print seconds until the last spawn returned
 *   floor restart K    K times: SIGKILL the child, reap it, spawn a new one; print median seconds
 *   floor shutdown N   spawn N, then print seconds to SIGTERM all and reap all
 */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t Spawn(void) {
  char* argv[] = {"sleep", "1000", NULL};
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  if (posix_spawnp(&pid, "sleep", NULL, &attr, argv, environ) != 0) {
    perror("posix_spawn");
    exit(1);
  }
  posix_spawnattr_destroy(&attr);
  return pid;
}

static int Compare(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: floor start|restart|shutdown N\n");
    return 2;
  }
  const int n = atoi(argv[2]);
  pid_t* pids = calloc((size_t)n, sizeof(pid_t));
  if (strcmp(argv[1], "start") == 0 || strcmp(argv[1], "shutdown") == 0) {
    const double t0 = Now();
    for (int i = 0; i < n; ++i) pids[i] = Spawn();
    const double spawned = Now() - t0;
    const double t1 = Now();
    for (int i = 0; i < n; ++i) kill(pids[i], SIGTERM);
    for (int i = 0; i < n; ++i) waitpid(pids[i], NULL, 0);
    printf("%.6f\n", argv[1][0] == 's' && argv[1][1] == 't' ? spawned : Now() - t1);
  } else {
    double* samples = calloc((size_t)n, sizeof(double));
    pid_t pid = Spawn();
    for (int i = 0; i < n; ++i) {
      const double t0 = Now();
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      pid = Spawn();
      samples[i] = Now() - t0;
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    qsort(samples, (size_t)n, sizeof(double), Compare);
    printf("%.6f\n", samples[n / 2]);
  }
  return 0;
}
