// Limits read from fake cgroup v2 and v1 trees and a fake /proc in temporary folders.
#include "core/autotune/resource_limits.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/test_support.h"

namespace phpeek::autotune {
namespace {

using testing::TempDir;

constexpr const char* kMeminfo =
    "MemTotal:        2048000 kB\nMemFree:          100000 kB\nMemAvailable:    900000 kB\n";

struct FakeMachine {
  TempDir dir;
  ResourceRoots roots;
  FakeMachine() {
    roots.cgroup = dir.Join("cgroup");
    roots.proc = dir.Join("proc");
    roots.host_cpus = 3;
    dir.Write("proc/meminfo", kMeminfo);
  }
  void V2() const { dir.Write("cgroup/cgroup.controllers", "cpuset cpu io memory pids\n"); }
  void Write(const std::string& name, const std::string& text) const { dir.Write(name, text); }

  ResourceLimits Read() const {
    ResourceLimits limits;
    std::string error;
    EXPECT_TRUE(ReadResourceLimits(roots, &limits, &error)) << error;
    return limits;
  }
  std::string Error() const {
    ResourceLimits limits;
    std::string error;
    EXPECT_FALSE(ReadResourceLimits(roots, &limits, &error));
    return error;
  }
};

TEST(ResourceLimits, CgroupV2MemoryAndCpu) {
  FakeMachine m;
  m.V2();
  m.Write("cgroup/memory.max", "1073741824\n");
  m.Write("cgroup/cpu.max", "150000 100000\n");
  const ResourceLimits l = m.Read();
  EXPECT_EQ(l.memory_bytes, 1073741824);
  EXPECT_EQ(l.memory_mb(), 1024);
  EXPECT_EQ(l.memory_origin, LimitOrigin::kCgroupV2);
  EXPECT_EQ(l.memory_file, m.roots.cgroup + "/memory.max");
  EXPECT_EQ(l.cpus, 2);  // 1.5 CPUs count as 2
  EXPECT_EQ(l.cpu_origin, LimitOrigin::kCgroupV2);
  EXPECT_EQ(l.cpu_file, m.roots.cgroup + "/cpu.max");
}

// "max" is no limit: the host's MemTotal and CPUs, each said to come from the host.
TEST(ResourceLimits, CgroupV2WithoutLimitsFallsBackToTheHost) {
  FakeMachine m;
  m.V2();
  m.Write("cgroup/memory.max", "max\n");
  m.Write("cgroup/cpu.max", "max 100000\n");
  const ResourceLimits l = m.Read();
  EXPECT_EQ(l.memory_bytes, int64_t{2048000} * 1024);
  EXPECT_EQ(l.memory_mb(), 2000);
  EXPECT_EQ(l.memory_origin, LimitOrigin::kHost);
  EXPECT_EQ(l.memory_file, m.roots.proc + "/meminfo");
  EXPECT_EQ(l.cpus, 3);
  EXPECT_EQ(l.cpu_origin, LimitOrigin::kHost);
  EXPECT_EQ(l.cpu_file, "");
}

// A systemd service: its own cgroup (from /proc/self/cgroup) and the ones above it; the smallest
// limit wins, wherever it is set.
TEST(ResourceLimits, CgroupV2OwnCgroupAndItsParents) {
  FakeMachine m;
  m.V2();
  m.Write("proc/self/cgroup", "0::/system.slice/app.service\n");
  m.Write("cgroup/system.slice/memory.max", "1073741824\n");
  m.Write("cgroup/system.slice/app.service/memory.max", "536870912\n");
  m.Write("cgroup/system.slice/cpu.max", "250000 100000\n");
  m.Write("cgroup/system.slice/app.service/cpu.max", "max 100000\n");
  const ResourceLimits l = m.Read();
  EXPECT_EQ(l.memory_mb(), 512);
  EXPECT_EQ(l.memory_file, m.roots.cgroup + "/system.slice/app.service/memory.max");
  EXPECT_EQ(l.cpus, 3);
  EXPECT_EQ(l.cpu_file, m.roots.cgroup + "/system.slice/cpu.max");
  // A parent's smaller limit bounds the child.
  m.Write("cgroup/system.slice/memory.max", "268435456\n");
  EXPECT_EQ(m.Read().memory_mb(), 256);
}

TEST(ResourceLimits, CgroupV1MemoryAndCpu) {
  FakeMachine m;
  m.Write("cgroup/memory/memory.limit_in_bytes", "536870912\n");
  m.Write("cgroup/cpu/cpu.cfs_quota_us", "50000\n");
  m.Write("cgroup/cpu/cpu.cfs_period_us", "100000\n");
  const ResourceLimits l = m.Read();
  EXPECT_EQ(l.memory_mb(), 512);
  EXPECT_EQ(l.memory_origin, LimitOrigin::kCgroupV1);
  EXPECT_EQ(l.memory_file, m.roots.cgroup + "/memory/memory.limit_in_bytes");
  EXPECT_EQ(l.cpus, 1);
  EXPECT_EQ(l.cpu_origin, LimitOrigin::kCgroupV1);
  EXPECT_EQ(l.cpu_file, m.roots.cgroup + "/cpu/cpu.cfs_quota_us");
}

// cgroup v1 writes a huge number for "no memory limit" and -1 for "no CPU quota".
TEST(ResourceLimits, CgroupV1UnlimitedFallsBackToTheHost) {
  FakeMachine m;
  m.Write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
  m.Write("cgroup/cpu/cpu.cfs_quota_us", "-1\n");
  m.Write("cgroup/cpu/cpu.cfs_period_us", "100000\n");
  const ResourceLimits l = m.Read();
  EXPECT_EQ(l.memory_origin, LimitOrigin::kHost);
  EXPECT_EQ(l.memory_mb(), 2000);
  EXPECT_EQ(l.cpu_origin, LimitOrigin::kHost);
  EXPECT_EQ(l.cpus, 3);
}

TEST(ResourceLimits, NoCgroupAtAllIsTheHost) {
  FakeMachine m;
  const ResourceLimits l = m.Read();
  EXPECT_EQ(l.memory_origin, LimitOrigin::kHost);
  EXPECT_EQ(l.memory_mb(), 2000);
  EXPECT_EQ(l.cpus, 3);
}

TEST(ResourceLimits, GarbageInACgroupFileNamesTheFile) {
  struct Case {
    bool v2;
    const char* file;
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {true, "cgroup/memory.max", "abc\n",
       "memory.max: expected 'max' or a number of bytes, got 'abc'"},
      {true, "cgroup/memory.max", "", "memory.max: expected 'max' or a number of bytes, got ''"},
      {true, "cgroup/memory.max", "-5\n", "got '-5'"},
      {true, "cgroup/cpu.max", "100000\n", "cpu.max: expected 'QUOTA PERIOD' or 'max PERIOD'"},
      {true, "cgroup/cpu.max", "abc 100000\n", "got 'abc 100000'"},
      {true, "cgroup/cpu.max", "max 0\n", "got 'max 0'"},
      {true, "cgroup/cpu.max", "0 100000\n", "got '0 100000'"},
      {false, "cgroup/memory/memory.limit_in_bytes", "lots\n",
       "memory.limit_in_bytes: expected a number of bytes, got 'lots'"},
      {false, "cgroup/cpu/cpu.cfs_quota_us", "x\n",
       "cpu.cfs_quota_us: expected -1 or a number of microseconds, got 'x'"},
  };
  for (const Case& c : cases) {
    FakeMachine m;
    if (c.v2) m.V2();
    m.Write(c.file, c.text);
    const std::string error = m.Error();
    EXPECT_NE(error.find(m.dir.Join(c.file).substr(0, m.dir.Join(c.file).rfind('/'))),
              std::string::npos)
        << error;
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.file << ": " << error;
  }
}

TEST(ResourceLimits, CgroupV1QuotaWithoutPeriodIsAnError) {
  FakeMachine m;
  m.Write("cgroup/cpu/cpu.cfs_quota_us", "50000\n");
  EXPECT_NE(m.Error().find("cpu.cfs_period_us: absent"), std::string::npos);
  m.Write("cgroup/cpu/cpu.cfs_period_us", "0\n");
  EXPECT_NE(m.Error().find("cpu.cfs_period_us: expected a number of microseconds, got '0'"),
            std::string::npos);
}

TEST(ResourceLimits, ControlCharactersInGarbageAreNotEchoed) {
  FakeMachine m;
  m.V2();
  m.Write("cgroup/memory.max", std::string("1\x1b[2J", 5) + std::string(100, 'x'));
  const std::string error = m.Error();
  EXPECT_EQ(error.find('\x1b'), std::string::npos) << error;
  EXPECT_NE(error.find("got '1?[2Jxxx"), std::string::npos) << error;
  EXPECT_NE(error.find("...'"), std::string::npos) << error;  // cut at 40 bytes
}

TEST(ResourceLimits, UnreadableFileIsAnErrorNamingIt) {
  FakeMachine m;
  m.V2();
  ASSERT_EQ(::mkdir(m.dir.Join("cgroup/memory.max").c_str(), 0755), 0);  // a folder: EISDIR
  const std::string error = m.Error();
  EXPECT_NE(error.find("cannot read " + m.roots.cgroup + "/memory.max: "), std::string::npos)
      << error;
}

TEST(ResourceLimits, HostMemoryMustBeReadable) {
  FakeMachine m;
  m.Write("proc/meminfo", "MemFree: 1 kB\n");
  EXPECT_EQ(m.Error(),
            "cannot find the host's memory: no MemTotal line in " + m.roots.proc + "/meminfo");
  m.Write("proc/meminfo", "MemTotal:   lots kB\n");
  EXPECT_NE(m.Error().find("meminfo: expected 'MemTotal: N kB', got 'MemTotal:   lots kB'"),
            std::string::npos);
  ::unlink(m.dir.Join("proc/meminfo").c_str());
  EXPECT_NE(m.Error().find("no MemTotal line in"), std::string::npos);
  // Not needed when the cgroup sets the memory.
  m.V2();
  m.Write("cgroup/memory.max", "1073741824\n");
  EXPECT_EQ(m.Read().memory_mb(), 1024);
}

}  // namespace
}  // namespace phpeek::autotune
