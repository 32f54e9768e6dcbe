// The pool each profile gets, against the figures of the original PHPeek PM's calculator and its
// tests (internal/autotune/calculator*_test.go), worked out by hand in each comment.
#include "core/autotune/fpm_tuning.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace phpeek::autotune {
namespace {

FpmTuning Tune(const char* profile, int64_t memory_mb, int cpus, double threshold = 0) {
  FpmTuning t;
  std::string error;
  EXPECT_TRUE(ComputeFpmTuning(*FindFpmProfile(profile), memory_mb, cpus, threshold, &t, &error))
      << profile << " " << memory_mb << " MB: " << error;
  return t;
}

std::string Refused(const char* profile, int64_t memory_mb, int cpus, double threshold = 0) {
  FpmTuning t;
  std::string error;
  EXPECT_FALSE(ComputeFpmTuning(*FindFpmProfile(profile), memory_mb, cpus, threshold, &t, &error))
      << profile << " " << memory_mb << " MB";
  return error;
}

bool HasWarning(const FpmTuning& t, const std::string& part) {
  return std::any_of(t.warnings.begin(), t.warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

void ExpectPool(const FpmTuning& t, ProcessManager pm, int max_children, int start, int min_spare,
                int max_spare, int max_requests) {
  EXPECT_EQ(t.settings.pm, pm);
  EXPECT_EQ(t.settings.max_children, max_children);
  EXPECT_EQ(t.settings.start_servers, start);
  EXPECT_EQ(t.settings.min_spare, min_spare);
  EXPECT_EQ(t.settings.max_spare, max_spare);
  EXPECT_EQ(t.settings.max_requests, max_requests);
}

// 2048 x 0.75 = 1536; - 192 - 128 = 1216; / 42 = 28 by memory; 4 CPUs x 4 = 16.
// start ceil(16 x 0.33) = 6, min spare 4, max spare 8.
TEST(FpmTuning, MediumTwoGigabytesFourCpusIsCpuBound) {
  const FpmTuning t = Tune("medium", 2048, 4);
  EXPECT_EQ(t.usable_mb, 1536);
  EXPECT_EQ(t.pool_mb, 1216);
  EXPECT_EQ(t.by_memory, 28);
  EXPECT_EQ(t.by_cpu, 16);
  ExpectPool(t, ProcessManager::kDynamic, 16, 6, 4, 8, 1000);
  EXPECT_EQ(t.planned_mb, 16 * 42 + 128 + 192);
  EXPECT_TRUE(HasWarning(t, "limited to 16 for 4 CPU(s)"));
}

// 8192 x 0.8 = 6553; - 640 = 5913; / 52 = 113; 8 CPUs: 32. start 16, min ceil(6.4) = 7,
// max ceil(12.8) = 13, raised to start's 16 (max spare is never below start).
TEST(FpmTuning, HeavyEightGigabytesEightCpus) {
  const FpmTuning t = Tune("heavy", 8192, 8);
  EXPECT_EQ(t.usable_mb, 6553);
  EXPECT_EQ(t.by_memory, 113);
  ExpectPool(t, ProcessManager::kDynamic, 32, 16, 7, 16, 2000);
}

// 512 x 0.5 = 256; - 128 = 128; / 32 = 4; the profile caps at 2; static: start = max_children.
TEST(FpmTuning, DevIsTwoStaticWorkers) {
  const FpmTuning t = Tune("dev", 512, 2);
  ExpectPool(t, ProcessManager::kStatic, 2, 2, 0, 0, 100);
  EXPECT_TRUE(HasWarning(t, "caps them at 2"));
  // The original's "at minimum memory for dev": 384 x 0.5 = 192; - 128 = 64; / 32 = 2.
  const FpmTuning tiny = Tune("dev", 384, 1);
  ExpectPool(tiny, ProcessManager::kStatic, 2, 2, 0, 0, 100);
  EXPECT_TRUE(tiny.warnings.empty());
}

// 768 x 0.7 = 537; - 224 = 313; / 36 = 8; 1 CPU: 4. start 1, min 1, max 2.
TEST(FpmTuning, LightMinimalMemoryOneCpu) {
  ExpectPool(Tune("light", 768, 1), ProcessManager::kDynamic, 4, 1, 1, 2, 500);
  // 1024 x 0.7 = 716; - 224 = 492; / 36 = 13; 2 CPUs: 8. start 2, min 2, max 4.
  ExpectPool(Tune("light", 1024, 2), ProcessManager::kDynamic, 8, 2, 2, 4, 500);
}

// 4096 x 0.75 = 3072; - 320 = 2752; / 44 = 62; 4 CPUs: 16. start 8, min ceil(6.4) = 7,
// max ceil(11.2) = 12.
TEST(FpmTuning, BurstyKeepsMoreSpares) {
  ExpectPool(Tune("bursty", 4096, 4), ProcessManager::kDynamic, 16, 8, 7, 12, 1000);
}

// Memory for 65 workers, one CPU: 4. start ceil(1.32) = 2, min 1, max 2.
TEST(FpmTuning, OneCpuCapsAtFourWorkers) {
  const FpmTuning t = Tune("medium", 4096, 1);
  ExpectPool(t, ProcessManager::kDynamic, 4, 2, 1, 2, 1000);
  EXPECT_TRUE(HasWarning(t, "memory allows 65 workers"));
}

// 372 x 0.7 = 260; - 224 = 36: one worker's worth; the profile's minimum is 2 (296 MB planned).
// Spares: start ceil(0.5) = 1, min 1, max 1.
TEST(FpmTuning, ProfileMinimumRaisesTheCount) {
  const FpmTuning t = Tune("light", 372, 1);
  ExpectPool(t, ProcessManager::kDynamic, 2, 1, 1, 1, 500);
  EXPECT_EQ(t.planned_mb, 296);
  EXPECT_TRUE(HasWarning(t, "minimum of 2"));
}

TEST(FpmTuning, ThresholdReplacesTheProfilesShare) {
  // 2048 x 0.25 = 512; - 320 = 192; / 42 = 4 (the profile's minimum anyway).
  const FpmTuning low = Tune("medium", 2048, 4, 0.25);
  EXPECT_DOUBLE_EQ(low.threshold, 0.25);
  EXPECT_EQ(low.usable_mb, 512);
  EXPECT_EQ(low.settings.max_children, 4);
  EXPECT_TRUE(HasWarning(low, "very low"));
  // Above 100%: allowed, with a warning. 2048 x 1.5 = 3072 -> 65 by memory, 16 by CPUs.
  const FpmTuning high = Tune("medium", 2048, 4, 1.5);
  EXPECT_EQ(high.usable_mb, 3072);
  EXPECT_EQ(high.by_memory, 65);
  EXPECT_TRUE(HasWarning(high, "150% is above 100%"));
  // 0: the profile's own 75%, no warning about it.
  const FpmTuning same = Tune("medium", 2048, 4, 0);
  EXPECT_DOUBLE_EQ(same.threshold, 0.75);
  EXPECT_FALSE(HasWarning(same, "threshold"));
}

TEST(FpmTuning, TooLittleMemoryShowsTheFigures) {
  // Below reserved + OPcache + one worker: 128 + 96 + 36 = 260.
  EXPECT_EQ(Refused("light", 259, 2),
            "too little memory for the 'light' profile: 259 MB, at least 260 MB needed (128 MB "
            "reserved + 96 MB OPcache + 36 MB for one worker)");
  // 371 x 0.7 = 259, which leaves 35 MB for workers: less than one.
  EXPECT_EQ(Refused("light", 371, 2),
            "too little memory for the 'light' profile: 70% of 371 MB is 259 MB, which leaves 35 "
            "MB for workers after 128 MB reserved and 96 MB OPcache; one worker needs 36 MB");
  EXPECT_NE(Refused("medium", 64, 2).find("64 MB, at least 362 MB needed"), std::string::npos);
  EXPECT_FALSE(Refused("medium", 100, 4).empty());
  EXPECT_FALSE(Refused("heavy", 256, 1).empty());
}

// heavy, 1024 MB: 819 - 640 = 179 -> 3 workers, raised to the profile's 8, which do not fit.
TEST(FpmTuning, ProfileMinimumThatDoesNotFitIsAnError) {
  EXPECT_EQ(Refused("heavy", 1024, 1),
            "too little memory for the 'heavy' profile: 8 workers x 52 MB + 256 MB OPcache + "
            "384 MB reserved = 1056 MB, above the 1024 MB limit");
}

TEST(FpmTuning, SparesStayInOrderForEveryProfileAndSize) {
  for (const FpmProfile& p : FpmProfiles()) {
    for (int64_t mb : {512, 1024, 2048, 4096, 8192, 16384, 65536}) {
      for (int cpus : {1, 2, 4, 8, 16, 32}) {
        FpmTuning t;
        std::string error;
        if (!ComputeFpmTuning(p, mb, cpus, 0, &t, &error)) continue;
        const FpmSettings& s = t.settings;
        EXPECT_LE(t.planned_mb, mb) << p.name << " " << mb;
        EXPECT_LE(s.max_children, cpus * 4 > p.min_workers ? cpus * 4 : p.min_workers);
        if (s.pm == ProcessManager::kDynamic) {
          EXPECT_GE(s.min_spare, 1);
          EXPECT_LE(s.min_spare, s.start_servers) << p.name << " " << mb << " " << cpus;
          EXPECT_LE(s.start_servers, s.max_spare) << p.name << " " << mb << " " << cpus;
          EXPECT_LE(s.max_spare, s.max_children) << p.name << " " << mb << " " << cpus;
        }
      }
    }
  }
}

TEST(FpmTuning, EnvironmentHasAllSixVariables) {
  FpmSettings dynamic{ProcessManager::kDynamic, 10, 3, 2, 5, 1000};
  const auto env = FpmEnvironment(dynamic);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"PHP_FPM_PM", "dynamic"},        {"PHP_FPM_MAX_CHILDREN", "10"},
      {"PHP_FPM_MAX_REQUESTS", "1000"}, {"PHP_FPM_START_SERVERS", "3"},
      {"PHP_FPM_MIN_SPARE", "2"},       {"PHP_FPM_MAX_SPARE", "5"}};
  EXPECT_EQ(env, expected);
  // Static: the spare counts are 0 (php-fpm reads them only with pm = dynamic), still exported
  // so that one pool file template works with every profile.
  const auto dev = FpmEnvironment(Tune("dev", 512, 2).settings);
  ASSERT_EQ(dev.size(), 6u);
  EXPECT_EQ(dev[0].second, "static");
  EXPECT_EQ(dev[3], (std::pair<std::string, std::string>{"PHP_FPM_START_SERVERS", "2"}));
  EXPECT_EQ(dev[4].second, "0");
}

}  // namespace
}  // namespace phpeek::autotune
