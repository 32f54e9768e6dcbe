// The memory and CPUs the php-fpm pool may plan for: the cgroup's limits (v2 memory.max and
// cpu.max, or v1 memory.limit_in_bytes and cpu.cfs_quota_us / cpu.cfs_period_us), else the
// host's (MemTotal of /proc/meminfo, the CPUs this process may run on). Every file is read under
// two roots that tests point at a fake tree.
#pragma once

#include <cstdint>
#include <string>

namespace phpeek::autotune {

struct ResourceRoots {
  std::string cgroup = "/sys/fs/cgroup";
  std::string proc = "/proc";
  int host_cpus = 0;  // 0: the CPUs of this process's affinity mask
};

// The roots from PHPEEK_PM_TEST_CGROUP_ROOT and PHPEEK_PM_TEST_PROC_ROOT when set (the
// integration tests run the real binary on a fake tree), else the real ones.
ResourceRoots ResourceRootsFromEnvironment();

enum class LimitOrigin { kCgroupV2, kCgroupV1, kHost };
const char* ToString(LimitOrigin origin);  // "cgroup v2", "cgroup v1", "host"

struct ResourceLimits {
  int64_t memory_bytes = 0;
  LimitOrigin memory_origin = LimitOrigin::kHost;
  std::string memory_file;  // the file the figure was read from
  int cpus = 1;
  LimitOrigin cpu_origin = LimitOrigin::kHost;
  std::string cpu_file;  // empty for the host's affinity mask
  int64_t memory_mb() const { return memory_bytes / (1024 * 1024); }
};

// Fills `out`, or returns false with a message that names the file at fault (unreadable, or not
// what the kernel writes there: "abc" in memory.max). A file that is absent sets no limit.
bool ReadResourceLimits(const ResourceRoots& roots, ResourceLimits* out, std::string* error);

}  // namespace phpeek::autotune
