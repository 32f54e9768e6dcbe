// Descriptors of /proc/<pid>/stat, /proc/<pid>/task/<pid>/children and /proc/<pid>/fd (O_PATH)
// kept open from one scrape to the next, so that reading a group member costs a pread(2) per file
// and an fstat(2) instead of openat + read + close with a path lookup each.
//
// Why: profiling a scrape of 500 instances (tests/bench/README.md, metrics scrape) showed nearly
// all of its CPU in the kernel, and two thirds of that in opening, looking up and closing the /proc
// files; generating their text (do_task_stat) is the rest.
//
// Safe to hold: a descriptor of a /proc/<pid> file names the process, not its number. Once the
// process is reaped a read of its stat fails with ESRCH (a zombie still reads), and a pid that a
// new process reuses is reached only through a fresh open by path. pread at offset 0 makes procfs
// render the file anew each time.
//
// Budget: the daemon's descriptors are for supervision first. At the start of each round the
// process's open descriptors are counted; descriptors are held only while the whole process stays
// under half its soft RLIMIT_NOFILE, and above that all held ones are released. Entries not used
// in a round (the process exited or left our groups) are closed at its end. All are close-on-exec,
// and the daemon's usual spawn (core/process/clone_spawn.h) never copies its descriptor table, so
// they do not make spawning dearer; only a fork for `user`/`group` copies them with the rest.
//
// Only for a real procfs: a regular file held open keeps its old content, so synthetic trees are
// read by path. Threads: not synchronised; ProcStats serialises its rounds.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace phpeek::metrics {

class HeldProcFiles {
 public:
  struct Files {
    int stat = -1;
    int children = -1;  // of the thread whose tid is the pid; -1 when it could not be opened
    int fd_dir = -1;    // O_PATH: its fstat size is the descriptor count; -1 when not opened
    uint64_t round = 0;
  };

  HeldProcFiles() = default;
  ~HeldProcFiles();
  HeldProcFiles(const HeldProcFiles&) = delete;
  HeldProcFiles& operator=(const HeldProcFiles&) = delete;

  // `root` is the procfs directory's descriptor; `self_fd` the path under it of the process's fd
  // directory ("self/fd"), whose size is the open descriptor count.
  void BeginRound(int root, const char* self_fd);
  // The held files of `pid`, opened now when the budget allows (`root`/<pid>/stat by path);
  // nullptr when not held, with errno from the open (ENOENT: no such process) or 0 (no budget).
  const Files* Get(int root, pid_t pid);
  // Forgets `pid` (its process was reaped: its descriptors read nothing any more).
  void Drop(pid_t pid);
  // Closes the entries this round did not use.
  void EndRound();

  size_t held() const { return files_.size(); }

 private:
  void ReleaseAll();

  std::unordered_map<pid_t, Files> files_;
  uint64_t round_ = 0;
  size_t allowance_ = 0;  // descriptors this round may still open
};

}  // namespace phpeek::metrics
