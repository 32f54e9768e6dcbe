// Which profile and threshold apply (flag, then environment, then file), and a whole run on a fake
// cgroup tree.
#include "core/autotune/fpm_autotune.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace phpeek::autotune {
namespace {

using Env = std::map<std::string, std::string>;

AutotuneChoice Choose(const AutotuneFlags& flags, const Env& env, double file_threshold) {
  AutotuneChoice c;
  std::string error;
  EXPECT_TRUE(ChooseAutotune(flags, env, file_threshold, &c, &error)) << error;
  return c;
}

TEST(ChooseAutotune, NoProfileAnywhereIsNoAutotune) {
  const AutotuneChoice c = Choose({}, {{"PATH", "/bin"}}, 0.9);
  EXPECT_EQ(c.profile, nullptr);
}

TEST(ChooseAutotune, FlagBeatsVariable) {
  AutotuneFlags flags;
  flags.profile = "heavy";
  flags.profile_flag = "--php-fpm-profile";
  const AutotuneChoice c = Choose(flags, {{"PHP_FPM_AUTOTUNE_PROFILE", "light"}}, 0);
  ASSERT_NE(c.profile, nullptr);
  EXPECT_STREQ(c.profile->name, "heavy");
  EXPECT_EQ(c.profile_from, "--php-fpm-profile");
  EXPECT_EQ(c.threshold, 0);
  EXPECT_EQ(c.threshold_from, "profile");
  const AutotuneChoice from_env = Choose({}, {{"PHP_FPM_AUTOTUNE_PROFILE", "light"}}, 0);
  ASSERT_NE(from_env.profile, nullptr);
  EXPECT_STREQ(from_env.profile->name, "light");
  EXPECT_EQ(from_env.profile_from, "PHP_FPM_AUTOTUNE_PROFILE");
}

TEST(ChooseAutotune, ThresholdFromFlagThenVariableThenFile) {
  const Env env = {{"PHP_FPM_AUTOTUNE_PROFILE", "medium"},
                   {"PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD", "0.6"}};
  AutotuneFlags flags;
  flags.threshold = 0.9;
  AutotuneChoice c = Choose(flags, env, 0.8);
  EXPECT_DOUBLE_EQ(c.threshold, 0.9);
  EXPECT_EQ(c.threshold_from, "--autotune-memory-threshold");
  c = Choose({}, env, 0.8);
  EXPECT_DOUBLE_EQ(c.threshold, 0.6);
  EXPECT_EQ(c.threshold_from, "PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD");
  c = Choose({}, {{"PHP_FPM_AUTOTUNE_PROFILE", "medium"}}, 0.8);
  EXPECT_DOUBLE_EQ(c.threshold, 0.8);
  EXPECT_EQ(c.threshold_from, "global.autotune_memory_threshold");
}

TEST(ChooseAutotune, BadVariablesAreErrorsNamingThem) {
  AutotuneChoice c;
  std::string error;
  EXPECT_FALSE(ChooseAutotune({}, {{"PHP_FPM_AUTOTUNE_PROFILE", "huge"}}, 0, &c, &error));
  EXPECT_EQ(error,
            "PHP_FPM_AUTOTUNE_PROFILE: unknown php-fpm profile 'huge' (one of dev, light, medium, "
            "heavy, bursty)");
  EXPECT_FALSE(ChooseAutotune(
      {}, {{"PHP_FPM_AUTOTUNE_PROFILE", "light"}, {"PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD", "-1"}}, 0,
      &c, &error));
  EXPECT_EQ(error.rfind("PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD must be a number from 0 to 2", 0), 0u)
      << error;
}

TEST(RunAutotune, OnAFakeCgroupV2Tree) {
  testing::TempDir dir;
  dir.Write("cg/cgroup.controllers", "memory cpu\n");
  dir.Write("cg/memory.max", "1073741824\n");
  dir.Write("cg/cpu.max", "200000 100000\n");
  ResourceRoots roots{dir.Join("cg"), dir.Join("proc"), 7};
  const AutotuneChoice choice = Choose({}, {{"PHP_FPM_AUTOTUNE_PROFILE", "light"}}, 0);
  const AutotuneReport r = RunAutotune(choice, roots);
  ASSERT_TRUE(r.tuning) << r.error;
  ASSERT_TRUE(r.limits);
  EXPECT_EQ(r.limits->memory_mb(), 1024);
  EXPECT_EQ(r.limits->cpus, 2);
  EXPECT_EQ(r.tuning->settings.max_children, 8);
  EXPECT_EQ(r.warnings, r.tuning->warnings);  // nothing about the host
}

TEST(RunAutotune, HostValuesComeWithAWarning) {
  testing::TempDir dir;
  dir.Write("proc/meminfo", "MemTotal: 4194304 kB\n");
  ResourceRoots roots{dir.Join("none"), dir.Join("proc"), 2};
  const AutotuneReport r =
      RunAutotune(Choose({}, {{"PHP_FPM_AUTOTUNE_PROFILE", "medium"}}, 0), roots);
  ASSERT_TRUE(r.tuning) << r.error;
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_EQ(r.warnings[0].rfind("no cgroup memory limit found: tuned for the host's 4096 MB and "
                                "2 CPU(s)",
                                0),
            0u)
      << r.warnings[0];
}

TEST(RunAutotune, TooLittleMemoryKeepsTheLimitsForTheReport) {
  testing::TempDir dir;
  dir.Write("cg/cgroup.controllers", "");
  dir.Write("cg/memory.max", "268435456\n");  // 256 MB
  ResourceRoots roots{dir.Join("cg"), dir.Join("proc"), 2};
  const AutotuneReport r =
      RunAutotune(Choose({}, {{"PHP_FPM_AUTOTUNE_PROFILE", "light"}}, 0), roots);
  EXPECT_FALSE(r.tuning);
  ASSERT_TRUE(r.limits);
  EXPECT_EQ(r.limits->memory_mb(), 256);
  EXPECT_EQ(r.error.rfind("too little memory for the 'light' profile: 256 MB, at least 260 MB", 0),
            0u)
      << r.error;
}

TEST(RunAutotune, GarbageLimitIsTheError) {
  testing::TempDir dir;
  dir.Write("cg/cgroup.controllers", "");
  dir.Write("cg/memory.max", "abc\n");
  ResourceRoots roots{dir.Join("cg"), dir.Join("proc"), 2};
  const AutotuneReport r =
      RunAutotune(Choose({}, {{"PHP_FPM_AUTOTUNE_PROFILE", "light"}}, 0), roots);
  EXPECT_FALSE(r.tuning);
  EXPECT_FALSE(r.limits);
  EXPECT_EQ(r.error,
            dir.Join("cg/memory.max") + ": expected 'max' or a number of bytes, got 'abc'");
}

}  // namespace
}  // namespace phpeek::autotune
