#include "core/autotune/resource_limits.h"

#include <sched.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <thread>
#include <vector>

namespace phpeek::autotune {
namespace {

// cgroup v1 writes a page-rounded LLONG_MAX for "no limit"; anything from 1 PiB up is taken as
// that (as the original does).
constexpr int64_t kV1Unlimited = int64_t{1} << 50;
constexpr size_t kMaxFileBytes = 64 * 1024;  // /proc/meminfo is about 1.5 KiB

enum class FileState { kAbsent, kRead, kFailed };

FileState ReadSmallFile(const std::string& path, std::string* text, std::string* error) {
  FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return FileState::kAbsent;
    *error = "cannot read " + path + ": " + std::strerror(errno);
    return FileState::kFailed;
  }
  text->clear();
  char buf[4096];
  size_t n = 0;
  while (text->size() < kMaxFileBytes && (n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text->append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    *error = "cannot read " + path + ": " + std::strerror(err);
    return FileState::kFailed;
  }
  return FileState::kRead;
}

std::string_view Trim(std::string_view s) {
  const char* space = " \t\r\n";
  const size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}

bool ParseInt64(std::string_view s, int64_t* out) {
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return !s.empty() && ec == std::errc() && ptr == end;
}

// The file's text for a message: at most 40 bytes, control and non-ASCII bytes as '?'.
std::string Shown(std::string_view text) {
  std::string out(text.substr(0, 40));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  }
  return "'" + out + (text.size() > 40 ? "...'" : "'");
}

std::string Garbage(const std::string& path, const char* expected, std::string_view text) {
  return path + ": expected " + expected + ", got " + Shown(Trim(text));
}

std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

int CpusOf(int64_t quota, int64_t period) {
  const int64_t cpus = quota / period + (quota % period != 0 ? 1 : 0);  // a fraction counts whole
  return cpus > 1 << 20 ? 1 << 20 : static_cast<int>(cpus);
}

// A limit found in a cgroup file: the smallest one when several levels set one.
struct Found {
  bool set = false;
  int64_t value = 0;
  std::string file;
  void Offer(int64_t v, const std::string& path) {
    if (set && v >= value) return;
    set = true;
    value = v;
    file = path;
  }
};

// cgroup v2: this process's own cgroup (from /proc/self/cgroup, "0::/path") and each one above it
// up to the root of the tree, deepest first. Inside a container with its own cgroup namespace the
// own cgroup is the root; a systemd service's is its unit's (MemoryMax=, CPUQuota=).
std::vector<std::string> V2Dirs(const ResourceRoots& roots) {
  std::vector<std::string> dirs;
  std::string text, ignored;
  if (ReadSmallFile(roots.proc + "/self/cgroup", &text, &ignored) == FileState::kRead) {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string_view line(text.data() + start, end - start);
      start = end + 1;
      if (line.rfind("0::/", 0) != 0 || line.find("/..") != std::string_view::npos) continue;
      std::string rel(line.substr(3));
      while (rel.size() > 1) {
        std::error_code ec;
        if (std::filesystem::is_directory(roots.cgroup + rel, ec))
          dirs.push_back(roots.cgroup + rel);
        rel.resize(rel.rfind('/'));
      }
    }
  }
  dirs.push_back(roots.cgroup);
  return dirs;
}

bool ReadV2Memory(const std::vector<std::string>& dirs, Found* found, std::string* error) {
  for (const std::string& dir : dirs) {
    const std::string path = dir + "/memory.max";
    std::string text;
    const FileState state = ReadSmallFile(path, &text, error);
    if (state == FileState::kFailed) return false;
    if (state == FileState::kAbsent || Trim(text) == "max") continue;
    int64_t bytes = 0;
    if (!ParseInt64(Trim(text), &bytes) || bytes < 0) {
      *error = Garbage(path, "'max' or a number of bytes", text);
      return false;
    }
    found->Offer(bytes, path);
  }
  return true;
}

bool ReadV2Cpu(const std::vector<std::string>& dirs, Found* found, std::string* error) {
  for (const std::string& dir : dirs) {
    const std::string path = dir + "/cpu.max";
    std::string text;
    const FileState state = ReadSmallFile(path, &text, error);
    if (state == FileState::kFailed) return false;
    if (state == FileState::kAbsent) continue;
    const std::vector<std::string_view> f = Fields(text);
    int64_t quota = 0, period = 0;
    const bool period_ok = f.size() == 2 && ParseInt64(f[1], &period) && period > 0;
    if (period_ok && f[0] == "max") continue;
    if (!period_ok || !ParseInt64(f[0], &quota) || quota <= 0) {
      *error = Garbage(path, "'QUOTA PERIOD' or 'max PERIOD' (microseconds)", text);
      return false;
    }
    found->Offer(CpusOf(quota, period), path);
  }
  return true;
}

bool ReadV1Memory(const ResourceRoots& roots, Found* found, std::string* error) {
  const std::string path = roots.cgroup + "/memory/memory.limit_in_bytes";
  std::string text;
  const FileState state = ReadSmallFile(path, &text, error);
  if (state != FileState::kRead) return state == FileState::kAbsent;
  int64_t bytes = 0;
  if (!ParseInt64(Trim(text), &bytes) || bytes < 0) {
    *error = Garbage(path, "a number of bytes", text);
    return false;
  }
  if (bytes < kV1Unlimited) found->Offer(bytes, path);
  return true;
}

bool ReadV1Cpu(const ResourceRoots& roots, Found* found, std::string* error) {
  const std::string quota_path = roots.cgroup + "/cpu/cpu.cfs_quota_us";
  const std::string period_path = roots.cgroup + "/cpu/cpu.cfs_period_us";
  std::string text;
  const FileState state = ReadSmallFile(quota_path, &text, error);
  if (state != FileState::kRead) return state == FileState::kAbsent;
  int64_t quota = 0;
  if (!ParseInt64(Trim(text), &quota) || (quota <= 0 && quota != -1)) {
    *error = Garbage(quota_path, "-1 or a number of microseconds", text);
    return false;
  }
  if (quota == -1) return true;  // no limit
  const FileState period_state = ReadSmallFile(period_path, &text, error);
  if (period_state == FileState::kFailed) return false;
  int64_t period = 0;
  if (period_state == FileState::kAbsent) {
    *error = "cannot read " + period_path + ": absent while " + quota_path + " sets a quota";
    return false;
  }
  if (!ParseInt64(Trim(text), &period) || period <= 0) {
    *error = Garbage(period_path, "a number of microseconds", text);
    return false;
  }
  found->Offer(CpusOf(quota, period), quota_path);
  return true;
}

bool ReadHostMemory(const ResourceRoots& roots, int64_t* bytes, std::string* error) {
  const std::string path = roots.proc + "/meminfo";
  std::string text;
  const FileState state = ReadSmallFile(path, &text, error);
  if (state == FileState::kFailed) return false;
  const size_t at = text.find("MemTotal:");
  if (state == FileState::kAbsent || at == std::string::npos || (at != 0 && text[at - 1] != '\n')) {
    *error = "cannot find the host's memory: no MemTotal line in " + path;
    return false;
  }
  const size_t eol = text.find('\n', at);
  const std::string_view line =
      std::string_view(text).substr(at, eol == std::string::npos ? std::string::npos : eol - at);
  const std::vector<std::string_view> f = Fields(line);
  int64_t kib = 0;
  if (f.size() != 3 || f[2] != "kB" || !ParseInt64(f[1], &kib) || kib <= 0 ||
      kib > INT64_MAX / 1024) {
    *error = Garbage(path, "'MemTotal: N kB'", line);
    return false;
  }
  *bytes = kib * 1024;
  return true;
}

int HostCpus(const ResourceRoots& roots) {
  if (roots.host_cpus > 0) return roots.host_cpus;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace

ResourceRoots ResourceRootsFromEnvironment() {
  ResourceRoots roots;
  if (const char* c = std::getenv("PHPEEK_PM_TEST_CGROUP_ROOT"); c && *c) roots.cgroup = c;
  if (const char* p = std::getenv("PHPEEK_PM_TEST_PROC_ROOT"); p && *p) roots.proc = p;
  return roots;
}

const char* ToString(LimitOrigin origin) {
  switch (origin) {
    case LimitOrigin::kCgroupV2:
      return "cgroup v2";
    case LimitOrigin::kCgroupV1:
      return "cgroup v1";
    case LimitOrigin::kHost:
      return "host";
  }
  return "host";
}

bool ReadResourceLimits(const ResourceRoots& roots, ResourceLimits* out, std::string* error) {
  std::error_code ec;
  const bool v2 = std::filesystem::exists(roots.cgroup + "/cgroup.controllers", ec);
  Found memory, cpu;
  if (v2) {
    const std::vector<std::string> dirs = V2Dirs(roots);
    if (!ReadV2Memory(dirs, &memory, error) || !ReadV2Cpu(dirs, &cpu, error)) return false;
  } else if (!ReadV1Memory(roots, &memory, error) || !ReadV1Cpu(roots, &cpu, error)) {
    return false;
  }
  const LimitOrigin cgroup = v2 ? LimitOrigin::kCgroupV2 : LimitOrigin::kCgroupV1;
  *out = ResourceLimits{};
  if (memory.set) {
    out->memory_bytes = memory.value;
    out->memory_origin = cgroup;
    out->memory_file = memory.file;
  } else {
    if (!ReadHostMemory(roots, &out->memory_bytes, error)) return false;
    out->memory_file = roots.proc + "/meminfo";
  }
  if (cpu.set) {
    out->cpus = static_cast<int>(cpu.value);
    out->cpu_origin = cgroup;
    out->cpu_file = cpu.file;
  } else {
    out->cpus = HostCpus(roots);
  }
  return true;
}

}  // namespace phpeek::autotune
