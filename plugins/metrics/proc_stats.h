// Resource usage of whole process groups, read from /proc at scrape time.
//
// Every instance leads its own process group (pgid == the instance's pid), so summing over the
// group covers what the instance spawned: php-fpm's workers, a shell pipeline's members. Members
// are found by walking down from each leader through /proc/<pid>/task/<tid>/children and keeping
// the descendants still in the group, plus the daemon's own children: a member orphaned by its
// parent is reparented to the daemon when it runs as PID 1 or a child subreaper. (Orphans that go
// to an outside init are missed.) The cost is a few small reads per group member, O(instances)
// for single-process instances, independent of how many other processes the host runs.
//
// CPU time includes each member's reaped children (cutime + cstime): when php-fpm recycles a
// worker its time moves into the master's cutime instead of vanishing, so the counter does not go
// backwards. A process's time is in exactly one place at any moment (its own stat while alive or a
// zombie, its parent's after the reap), so nothing is counted twice.
//
// Open descriptors: one stat() of /proc/<pid>/fd, whose size is the count on Linux >= 6.2; older
// kernels report 0 there and the directory is listed instead.
//
// On a real procfs the stat and children files of each member stay open between readings
// (held_proc_files.h), so a member costs two pread(2) and one fstat(2) instead of a series of
// openat/read/close with path lookups: what the profile showed to be most of a scrape's CPU.
//
// Nothing is made up: a group with a member whose stat cannot be read is reported incomplete, and
// one with a member whose fd directory cannot be read has no descriptor count, so the caller omits
// those series instead of publishing a low number or 0. The root is a parameter (production:
// "/proc") so that tests can point it at synthetic or empty trees.
//
// Threads: readings are serialised on a mutex (they share the held descriptors).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "plugins/metrics/held_proc_files.h"

namespace phpeek::metrics {

struct GroupUsage {
  double cpu_seconds = 0;  // utime + stime + cutime + cstime, in seconds
  uint64_t rss_bytes = 0;
  uint64_t open_fds = 0;
  uint32_t processes = 0;  // members seen
  bool complete = true;    // false: a member's stat could not be read, the sums are too low
  bool fds_known = true;   // false: a member's fd directory could not be read
};

class ProcStats {
 public:
  // `proc_root` is "/proc" in production; tests point it at a directory of synthetic files.
  // `self` names the daemon's entry under it ("self": the process this code runs in).
  explicit ProcStats(std::string proc_root = "/proc", std::string self = "self");
  ~ProcStats();

  // Usage per requested process group id. Groups with no live member are absent from the result.
  // `problem` (may be null) receives the first entry that exists but could not be read, as
  // "<path>: <reason>"; entries that vanished (the process exited) are no problem.
  std::unordered_map<pid_t, GroupUsage> ReadGroups(const std::unordered_set<pid_t>& pgids,
                                                   std::string* problem = nullptr);
  // Processes whose files are held open between readings (for tests).
  size_t held_processes();

 private:
  // Of "<dir>/fd" under the root `root` (`dir`: the pid's name), or of `held_fd_dir`, its held
  // O_PATH descriptor, when that is not -1; nullopt when it is unreadable.
  std::optional<uint64_t> CountFds(int root, const char* dir, int held_fd_dir) const;
  ssize_t ReadStatText(int root, pid_t pid, char* buf, size_t size,
                       const HeldProcFiles::Files** held);
  void AppendChildren(int root, const char* dir, uint64_t threads, int held_children,
                      std::vector<pid_t>* out) const;
  pid_t ReadMember(int root, pid_t pid, pid_t group, const std::unordered_set<pid_t>& pgids,
                   std::unordered_map<pid_t, GroupUsage>* usage, std::vector<pid_t>* children,
                   std::string* problem);

  std::string root_;
  std::string self_;
  bool procfs_;  // root_ is a real procfs (fd directory sizes are meaningful)
  double ticks_per_second_;
  uint64_t page_size_;
  std::mutex mu_;                        // one reading at a time
  std::unique_ptr<HeldProcFiles> held_;  // null unless procfs_; guarded by mu_
};

// The fields we use from one /proc/<pid>/stat line (exposed for tests).
struct StatLine {
  pid_t pgrp = 0;
  uint64_t cpu_ticks = 0;  // utime + stime + cutime + cstime
  uint64_t rss_pages = 0;
  uint64_t start_ticks = 0;  // clock ticks after boot
  uint64_t threads = 1;
};
// Parses a stat line; the command name may contain spaces and parentheses, so fields are counted
// from the last ')'. Returns false on a malformed line.
bool ParseStatLine(const char* line, size_t len, StatLine* out);

// Unix time (seconds) at which process `pid` ("self" for the caller) started: its stat start time
// plus the boot time from <proc_root>/stat. nullopt when it cannot be read, with the reason
// ("<path>: <what>") in `why` (may be null).
std::optional<double> ProcessStartTime(const std::string& pid,
                                       const std::string& proc_root = "/proc",
                                       std::string* why = nullptr);

// What the plugin can read from procfs at `proc_root`, checked once when it starts.
struct ProcfsStatus {
  bool processes = false;  // <root>/self/stat is readable: per-process entries are there
  bool children = false;   // <root>/thread-self/children exists (CONFIG_PROC_CHILDREN)
  std::optional<double> daemon_start;  // the daemon's start time, when readable
  std::vector<std::string> missing;    // "<path>: <reason>" for each thing that is not
};
ProcfsStatus ProbeProcfs(const std::string& proc_root);

}  // namespace phpeek::metrics
