#include "plugins/metrics/proc_stats.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace phpeek::metrics {
namespace {

// Reads a small file in one read(2); /proc stat lines are far below the buffer size.
ssize_t ReadSmallFile(const std::string& path, char* buf, size_t size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  const ssize_t n = ::read(fd, buf, size - 1);
  ::close(fd);
  if (n >= 0) buf[n] = '\0';
  return n;
}

uint64_t CountEntries(const std::string& dir_path) {
  DIR* dir = ::opendir(dir_path.c_str());
  if (dir == nullptr) return 0;  // gone, or not ours to read
  uint64_t n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n;
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
  return true;
}

double ProcessStartTime(const std::string& pid, const std::string& proc_root) {
  char buf[4096];
  StatLine stat;
  const ssize_t n = ReadSmallFile(proc_root + "/" + pid + "/stat", buf, sizeof(buf));
  if (n <= 0 || !ParseStatLine(buf, static_cast<size_t>(n), &stat)) return 0;
  // /proc/stat is a few KB on many-core hosts; only its "btime" line matters.
  std::string system(16384, '\0');
  const ssize_t m = ReadSmallFile(proc_root + "/stat", system.data(), system.size());
  if (m <= 0) return 0;
  const size_t at = system.find("\nbtime ");
  if (at == std::string::npos) return 0;
  const double boot = std::strtod(system.c_str() + at + 7, nullptr);
  return boot + static_cast<double>(stat.start_ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

ProcStats::ProcStats(std::string proc_root)
    : root_(std::move(proc_root)),
      ticks_per_second_(static_cast<double>(::sysconf(_SC_CLK_TCK))),
      page_size_(static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))) {}

std::unordered_map<pid_t, GroupUsage> ProcStats::ReadGroups(
    const std::unordered_set<pid_t>& pgids) const {
  std::unordered_map<pid_t, GroupUsage> usage;
  if (pgids.empty()) return usage;
  DIR* dir = ::opendir(root_.c_str());
  if (dir == nullptr) return usage;
  char buf[1024];
  std::string path;
  while (const dirent* e = ::readdir(dir)) {
    if (!IsPidName(e->d_name)) continue;
    path.assign(root_).append("/").append(e->d_name);
    const size_t base_len = path.size();
    path.append("/stat");
    const ssize_t n = ReadSmallFile(path, buf, sizeof(buf));
    StatLine stat;
    if (n <= 0 || !ParseStatLine(buf, static_cast<size_t>(n), &stat)) continue;  // exited
    if (stat.pgrp <= 0 || pgids.count(stat.pgrp) == 0) continue;
    GroupUsage& group = usage[stat.pgrp];
    group.cpu_seconds += static_cast<double>(stat.cpu_ticks) / ticks_per_second_;
    group.rss_bytes += stat.rss_pages * page_size_;
    path.resize(base_len);
    group.open_fds += CountEntries(path.append("/fd"));
    group.processes += 1;
  }
  ::closedir(dir);
  return usage;
}

}  // namespace phpeek::metrics
