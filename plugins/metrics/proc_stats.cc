#include "plugins/metrics/proc_stats.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace phpeek::metrics {
namespace {

// Descriptors of /proc entries are used with openat(): resolving "/proc/<pid>" once per process
// instead of once per file is most of the kernel's cost of a scrape.
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

uint64_t CountEntries(int at, const char* path) {
  const int fd = ::openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 0;  // gone, or not ours to read
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return 0;
  }
  uint64_t n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n;
}

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
    } else {
      char* next = nullptr;
      fields[index] = std::strtoull(p, &next, 10);
      if (next == p) return false;
      p = next;
    }
  }
  out->pgrp = static_cast<pid_t>(fields[5 - 3]);
  out->cpu_ticks = fields[14 - 3] + fields[15 - 3] + fields[16 - 3] + fields[17 - 3];
  out->rss_pages = fields[24 - 3];
  out->start_ticks = fields[22 - 3];
  out->threads = fields[20 - 3];
  return true;
}

double ProcessStartTime(const std::string& pid, const std::string& proc_root) {
  char buf[4096];
  StatLine stat;
  const std::string stat_path = proc_root + "/" + pid + "/stat";
  const ssize_t n = ReadSmallFile(AT_FDCWD, stat_path.c_str(), buf, sizeof(buf));
  if (n <= 0 || !ParseStatLine(buf, static_cast<size_t>(n), &stat)) return 0;
  // /proc/stat is a few KB on many-core hosts; only its "btime" line matters.
  std::string system;
  if (!ReadWholeFile(AT_FDCWD, (proc_root + "/stat").c_str(), &system)) return 0;
  const size_t at = system.find("\nbtime ");
  if (at == std::string::npos) return 0;
  const double boot = std::strtod(system.c_str() + at + 7, nullptr);
  return boot + static_cast<double>(stat.start_ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

ProcStats::ProcStats(std::string proc_root, std::string self)
    : root_(std::move(proc_root)),
      self_(std::move(self)),
      procfs_(IsProcfs(root_)),
      ticks_per_second_(static_cast<double>(::sysconf(_SC_CLK_TCK))),
      page_size_(static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))) {}

uint64_t ProcStats::CountFds(int pid_dir) const {
  struct stat st {};
  if (procfs_ && ::fstatat(pid_dir, "fd", &st, 0) == 0 && st.st_size > 0) {
    return static_cast<uint64_t>(st.st_size);
  }
  return CountEntries(pid_dir, "fd");
}

// Children are listed per thread: a child belongs to the thread that spawned it.
void ProcStats::AppendChildren(int pid_dir, const std::string& pid, uint64_t threads,
                               std::vector<pid_t>* out) const {
  std::vector<std::string> tids;
  if (threads <= 1) {
    tids.push_back(pid);
  } else {
    const int fd = ::openat(pid_dir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (dir == nullptr && fd >= 0) ::close(fd);
    while (dir != nullptr) {
      const dirent* e = ::readdir(dir);
      if (e == nullptr) break;
      if (IsPidName(e->d_name)) tids.emplace_back(e->d_name);
    }
    if (dir != nullptr) ::closedir(dir);
  }
  std::string text;
  for (const std::string& tid : tids) {
    if (!ReadWholeFile(pid_dir, ("task/" + tid + "/children").c_str(), &text)) continue;
    const char* p = text.c_str();
    while (*p != '\0') {
      char* next = nullptr;
      const long child = std::strtol(p, &next, 10);
      if (next == p) break;
      if (child > 0) out->push_back(static_cast<pid_t>(child));
      p = next;
    }
  }
}

std::unordered_map<pid_t, GroupUsage> ProcStats::ReadGroups(
    const std::unordered_set<pid_t>& pgids) const {
  std::unordered_map<pid_t, GroupUsage> usage;
  const DirFd root(AT_FDCWD, root_.c_str());
  if (pgids.empty() || !root.ok()) return usage;
  std::vector<pid_t> pending(pgids.begin(), pgids.end());
  {
    const DirFd self(root.get(), self_.c_str());
    if (self.ok()) AppendChildren(self.get(), "", /*threads=*/2, &pending);  // all its threads
  }
  std::unordered_set<pid_t> seen;
  seen.reserve(pending.size() * 2);
  char buf[1024];
  while (!pending.empty()) {
    const pid_t pid = pending.back();
    pending.pop_back();
    if (!seen.insert(pid).second) continue;
    const std::string pid_text = std::to_string(pid);
    const DirFd dir(root.get(), pid_text.c_str());
    if (!dir.ok()) continue;  // exited
    const ssize_t n = ReadSmallFile(dir.get(), "stat", buf, sizeof(buf));
    StatLine stat;
    if (n <= 0 || !ParseStatLine(buf, static_cast<size_t>(n), &stat)) continue;
    if (pgids.count(stat.pgrp) == 0) continue;  // left the group (setsid): not ours to count
    GroupUsage& group = usage[stat.pgrp];
    group.cpu_seconds += static_cast<double>(stat.cpu_ticks) / ticks_per_second_;
    group.rss_bytes += stat.rss_pages * page_size_;
    group.open_fds += CountFds(dir.get());
    group.processes += 1;
    AppendChildren(dir.get(), pid_text, stat.threads, &pending);
  }
  return usage;
}

}  // namespace phpeek::metrics
