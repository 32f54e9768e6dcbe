#include "plugins/metrics/proc_stats.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace phpeek::metrics {
namespace {

// The procfs root, opened once per reading; member files are opened relative to it.
class DirFd {
 public:
  DirFd(int at, const char* path) : fd_(::openat(at, path, O_PATH | O_DIRECTORY | O_CLOEXEC)) {}
  ~DirFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  DirFd(const DirFd&) = delete;
  DirFd& operator=(const DirFd&) = delete;
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Reads a small file in one read(2); /proc stat lines are far below the buffer size.
ssize_t ReadSmallFile(int at, const char* path, char* buf, size_t size) {
  const int fd = ::openat(at, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  const ssize_t n = ::read(fd, buf, size - 1);
  ::close(fd);
  if (n >= 0) buf[n] = '\0';
  return n;
}

std::optional<uint64_t> CountEntries(int at, const char* path) {
  const int fd = ::openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;  // gone, or not ours to read
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return std::nullopt;
  }
  uint64_t n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n;
}

// An exited process's entries vanish (ENOENT, or ESRCH while it is being reaped): not a problem.
bool Vanished(int err) { return err == ENOENT || err == ESRCH; }

std::string Problem(const std::string& path, int err) { return path + ": " + std::strerror(err); }

// Reads a file of unknown (small) size; false when it cannot be opened.
bool ReadWholeFile(int at, const char* path, std::string* out) {
  const int fd = ::openat(at, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) out->append(buf, static_cast<size_t>(n));
  ::close(fd);
  return true;
}

// Reads a held /proc file from its start: procfs renders it anew for a read at offset 0.
bool PreadWholeFile(int fd, std::string* out) {
  out->clear();
  char buf[4096];
  ssize_t n;
  while ((n = ::pread(fd, buf, sizeof(buf), static_cast<off_t>(out->size()))) > 0) {
    out->append(buf, static_cast<size_t>(n));
  }
  return n == 0;
}

bool IsProcfs(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

bool IsPidName(const char* name) {
  if (*name == '\0') return false;
  for (const char* p = name; *p; ++p) {
    if (*p < '0' || *p > '9') return false;
  }
  return true;
}

// One decimal field of a stat line, advancing `*p` past it; false when there are no digits. A
// leading '-' is skipped (nice, priority, tpgid): the fields we use are never negative. By hand
// rather than strtoull, which was the largest user-space entry of the scrape's profile.
bool ParseStatField(const char** p, const char* end, uint64_t* value) {
  const char* q = *p;
  if (q < end && *q == '-') ++q;
  const char* digits = q;
  uint64_t v = 0;
  for (; q < end && *q >= '0' && *q <= '9'; ++q) v = v * 10 + static_cast<uint64_t>(*q - '0');
  if (q == digits) return false;
  *value = v;
  *p = q;
  return true;
}

}  // namespace

bool ParseStatLine(const char* line, size_t len, StatLine* out) {
  const char* end = line + len;
  const char* paren = static_cast<const char*>(memrchr(line, ')', len));
  if (paren == nullptr) return false;
  // After ") ": field 3 (state) is index 0 here. pgrp is field 5, utime..cstime 14..17, rss 24.
  const char* p = paren + 1;
  uint64_t fields[22] = {};
  for (int index = 0; index < 22; ++index) {
    while (p < end && *p == ' ') ++p;
    if (p >= end) return false;
    if (index == 0) {
      ++p;  // the one-letter state
    } else if (!ParseStatField(&p, end, &fields[index])) {
      return false;
    }
  }
  out->pgrp = static_cast<pid_t>(fields[5 - 3]);
  out->cpu_ticks = fields[14 - 3] + fields[15 - 3] + fields[16 - 3] + fields[17 - 3];
  out->rss_pages = fields[24 - 3];
  out->start_ticks = fields[22 - 3];
  out->threads = fields[20 - 3];
  return true;
}

std::optional<double> ProcessStartTime(const std::string& pid, const std::string& proc_root,
                                       std::string* why) {
  std::string unused;
  if (why == nullptr) why = &unused;
  char buf[4096];
  StatLine stat;
  const std::string stat_path = proc_root + "/" + pid + "/stat";
  const ssize_t n = ReadSmallFile(AT_FDCWD, stat_path.c_str(), buf, sizeof(buf));
  if (n < 0) {
    *why = Problem(stat_path, errno);
    return std::nullopt;
  }
  if (n == 0 || !ParseStatLine(buf, static_cast<size_t>(n), &stat)) {
    *why = stat_path + ": not a stat line";
    return std::nullopt;
  }
  // /proc/stat is a few KB on many-core hosts; only its "btime" line matters.
  std::string system;
  const std::string system_path = proc_root + "/stat";
  if (!ReadWholeFile(AT_FDCWD, system_path.c_str(), &system)) {
    *why = Problem(system_path, errno);
    return std::nullopt;
  }
  const size_t at = system.find("\nbtime ");
  if (at == std::string::npos) {
    *why = system_path + ": no btime line";
    return std::nullopt;
  }
  const double boot = std::strtod(system.c_str() + at + 7, nullptr);
  return boot + static_cast<double>(stat.start_ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

ProcfsStatus ProbeProcfs(const std::string& proc_root) {
  ProcfsStatus status;
  std::string why;
  status.daemon_start = ProcessStartTime("self", proc_root, &why);
  if (!status.daemon_start) status.missing.push_back(why);
  char buf[4096];
  StatLine stat;
  const std::string self_stat = proc_root + "/self/stat";
  const ssize_t n = ReadSmallFile(AT_FDCWD, self_stat.c_str(), buf, sizeof(buf));
  status.processes = n > 0 && ParseStatLine(buf, static_cast<size_t>(n), &stat);
  if (!status.processes && why.rfind(self_stat, 0) != 0) {
    status.missing.push_back(n < 0 ? Problem(self_stat, errno) : self_stat + ": not a stat line");
  }
  const std::string children = proc_root + "/thread-self/children";
  status.children = ::access(children.c_str(), R_OK) == 0;
  if (status.processes && !status.children) status.missing.push_back(Problem(children, errno));
  return status;
}

ProcStats::ProcStats(std::string proc_root, std::string self)
    : root_(std::move(proc_root)),
      self_(std::move(self)),
      procfs_(IsProcfs(root_)),
      ticks_per_second_(static_cast<double>(::sysconf(_SC_CLK_TCK))),
      page_size_(static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))),
      held_(procfs_ ? std::make_unique<HeldProcFiles>() : nullptr) {}

ProcStats::~ProcStats() = default;

std::optional<uint64_t> ProcStats::CountFds(int root, const char* dir, int held_fd_dir) const {
  struct stat st {};
  if (held_fd_dir >= 0 && ::fstat(held_fd_dir, &st) == 0 && st.st_size > 0) {
    return static_cast<uint64_t>(st.st_size);
  }
  char fd_dir[24];
  std::snprintf(fd_dir, sizeof(fd_dir), "%s/fd", dir);
  if (procfs_ && ::fstatat(root, fd_dir, &st, 0) == 0 && st.st_size > 0) {
    return static_cast<uint64_t>(st.st_size);
  }
  return CountEntries(root, fd_dir);
}

// Reads <pid>/stat into `buf`, through a held descriptor when there is one (then `*held` points
// at the process's held files, else it is null). Returns the length, or -1 with errno.
ssize_t ProcStats::ReadStatText(int root, pid_t pid, char* buf, size_t size,
                                const HeldProcFiles::Files** held) {
  *held = nullptr;
  // Two tries: a held descriptor of a reaped process fails, and its pid may name a new one now.
  for (int attempt = 0; held_ != nullptr && attempt < 2; ++attempt) {
    const HeldProcFiles::Files* f = held_->Get(root, pid);
    if (f == nullptr) {
      if (errno != 0) return -1;  // no such process, or not ours to read
      break;                      // no descriptors to spare: by path
    }
    const ssize_t n = ::pread(f->stat, buf, size - 1, 0);
    if (n >= 0) {
      buf[n] = '\0';
      *held = f;
      return n;
    }
    const int err = errno;
    held_->Drop(pid);
    if (!Vanished(err)) {
      errno = err;
      return -1;
    }
  }
  char path[32];
  std::snprintf(path, sizeof(path), "%d/stat", static_cast<int>(pid));
  return ReadSmallFile(root, path, buf, size);
}

// Children are listed per thread: a child belongs to the thread that spawned it. `dir` is the
// process's entry under the root ("1234", "self"); `held_children` its held children file or -1.
void ProcStats::AppendChildren(int root, const char* dir, uint64_t threads, int held_children,
                               std::vector<pid_t>* out) const {
  std::string text;
  const auto parse = [&] {
    const char* p = text.c_str();
    while (*p != '\0') {
      char* next = nullptr;
      const long child = std::strtol(p, &next, 10);
      if (next == p) break;
      if (child > 0) out->push_back(static_cast<pid_t>(child));
      p = next;
    }
  };
  char path[64];
  if (threads <= 1) {
    if (held_children >= 0) {
      if (PreadWholeFile(held_children, &text)) parse();
      return;
    }
    std::snprintf(path, sizeof(path), "%s/task/%s/children", dir, dir);
    if (ReadWholeFile(root, path, &text)) parse();
    return;
  }
  std::snprintf(path, sizeof(path), "%s/task", dir);
  const int fd = ::openat(root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* tasks = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (tasks == nullptr) {
    if (fd >= 0) ::close(fd);
    return;
  }
  while (const dirent* e = ::readdir(tasks)) {
    if (!IsPidName(e->d_name)) continue;
    const std::string thread_children = std::string(path) + "/" + e->d_name + "/children";
    if (ReadWholeFile(root, thread_children.c_str(), &text)) parse();
  }
  ::closedir(tasks);
}

// Adds process `pid` to its group's usage and appends its children to `children`; returns that
// group (0 when it is none of ours). `group` is the group it was found under (0: unknown), which
// an unreadable member makes incomplete.
pid_t ProcStats::ReadMember(int root, pid_t pid, pid_t group,
                            const std::unordered_set<pid_t>& pgids,
                            std::unordered_map<pid_t, GroupUsage>* usage,
                            std::vector<pid_t>* children, std::string* problem) {
  char dir[16] = {};  // the pid's decimal name; to_chars: snprintf showed in the profile
  std::to_chars(dir, dir + sizeof(dir) - 1, static_cast<int>(pid));
  const auto note = [&](const char* file, int err) -> pid_t {
    if (Vanished(err)) return 0;  // exited meanwhile
    if (group != 0) (*usage)[group].complete = false;
    if (problem != nullptr && problem->empty()) {
      *problem = Problem(root_ + "/" + dir + "/" + file, err);
    }
    return 0;
  };
  char buf[1024];
  const HeldProcFiles::Files* held = nullptr;
  const ssize_t n = ReadStatText(root, pid, buf, sizeof(buf), &held);
  StatLine stat;
  if (n <= 0 || !ParseStatLine(buf, static_cast<size_t>(n), &stat)) {
    return note("stat", n < 0 ? errno : EINVAL);
  }
  if (pgids.count(stat.pgrp) == 0) {  // left the group (setsid), or a child of ours outside them
    if (held != nullptr) held_->Drop(pid);
    return 0;
  }
  GroupUsage& g = (*usage)[stat.pgrp];
  g.cpu_seconds += static_cast<double>(stat.cpu_ticks) / ticks_per_second_;
  g.rss_bytes += stat.rss_pages * page_size_;
  if (const std::optional<uint64_t> fds = CountFds(root, dir, held ? held->fd_dir : -1)) {
    g.open_fds += *fds;
  } else if (!Vanished(errno)) {
    if (problem != nullptr && problem->empty()) {
      *problem = Problem(root_ + "/" + dir + "/fd", errno);
    }
    g.fds_known = false;
  }
  g.processes += 1;
  AppendChildren(root, dir, stat.threads, held ? held->children : -1, children);
  return stat.pgrp;
}

std::unordered_map<pid_t, GroupUsage> ProcStats::ReadGroups(const std::unordered_set<pid_t>& pgids,
                                                            std::string* problem) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unordered_map<pid_t, GroupUsage> usage;
  usage.reserve(pgids.size());
  const DirFd root(AT_FDCWD, root_.c_str());
  if (!root.ok()) return usage;
  if (held_ != nullptr) held_->BeginRound(root.get(), (self_ + "/fd").c_str());
  if (pgids.empty()) {
    if (held_ != nullptr) held_->EndRound();  // no instance runs: nothing stays held
    return usage;
  }
  struct Pending {
    pid_t pid;
    pid_t group;  // the group it was found under; 0 for an orphan of unknown group
  };
  std::vector<Pending> pending;
  pending.reserve(pgids.size() * 2);
  for (const pid_t pgid : pgids) pending.push_back({pgid, pgid});
  std::vector<pid_t> children;
  AppendChildren(root.get(), self_.c_str(), /*threads=*/2, -1, &children);  // all its threads
  for (const pid_t child : children) pending.push_back({child, pgids.count(child) ? child : 0});
  std::unordered_set<pid_t> seen;
  seen.reserve(pending.size() * 2);
  while (!pending.empty()) {
    const Pending next = pending.back();
    pending.pop_back();
    if (!seen.insert(next.pid).second) continue;
    children.clear();
    const pid_t group =
        ReadMember(root.get(), next.pid, next.group, pgids, &usage, &children, problem);
    for (const pid_t child : children) pending.push_back({child, group});
  }
  if (held_ != nullptr) held_->EndRound();
  return usage;
}

size_t ProcStats::held_processes() {
  std::lock_guard<std::mutex> lock(mu_);
  return held_ == nullptr ? 0 : held_->held();
}

}  // namespace phpeek::metrics
