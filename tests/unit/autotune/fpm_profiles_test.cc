// The profile table holds the original PHPeek PM's figures (internal/autotune/profiles.go).
#include "core/autotune/fpm_profiles.h"

#include <gtest/gtest.h>

#include <iterator>

namespace phpeek::autotune {
namespace {

struct Expected {
  const char* name;
  ProcessManager pm;
  int worker_mb, opcache_mb, reserved_mb, min_workers, max_workers;
  double start, min_spare, max_spare;
  int max_requests;
  double share;
};

TEST(FpmProfiles, FiguresAreTheOriginals) {
  const Expected expected[] = {
      {"dev", ProcessManager::kStatic, 32, 64, 64, 2, 2, 1.0, 0, 0, 100, 0.5},
      {"light", ProcessManager::kDynamic, 36, 96, 128, 2, 0, 0.25, 0.25, 0.5, 500, 0.7},
      {"medium", ProcessManager::kDynamic, 42, 128, 192, 4, 0, 0.33, 0.25, 0.5, 1000, 0.75},
      {"heavy", ProcessManager::kDynamic, 52, 256, 384, 8, 0, 0.5, 0.2, 0.4, 2000, 0.8},
      {"bursty", ProcessManager::kDynamic, 44, 128, 192, 4, 0, 0.5, 0.4, 0.7, 1000, 0.75},
  };
  ASSERT_EQ(FpmProfiles().size(), std::size(expected));
  for (const Expected& e : expected) {
    const FpmProfile* p = FindFpmProfile(e.name);
    ASSERT_NE(p, nullptr) << e.name;
    EXPECT_EQ(p->pm, e.pm) << e.name;
    EXPECT_EQ(p->worker_mb, e.worker_mb) << e.name;
    EXPECT_EQ(p->opcache_mb, e.opcache_mb) << e.name;
    EXPECT_EQ(p->reserved_mb, e.reserved_mb) << e.name;
    EXPECT_EQ(p->min_workers, e.min_workers) << e.name;
    EXPECT_EQ(p->max_workers, e.max_workers) << e.name;
    EXPECT_DOUBLE_EQ(p->start_ratio, e.start) << e.name;
    EXPECT_DOUBLE_EQ(p->min_spare_ratio, e.min_spare) << e.name;
    EXPECT_DOUBLE_EQ(p->max_spare_ratio, e.max_spare) << e.name;
    EXPECT_EQ(p->max_requests, e.max_requests) << e.name;
    EXPECT_DOUBLE_EQ(p->memory_share, e.share) << e.name;
  }
}

TEST(FpmProfiles, UnknownNamesAreNotFound) {
  EXPECT_EQ(FindFpmProfile("Light"), nullptr);  // names are exact
  EXPECT_EQ(FindFpmProfile(""), nullptr);
  EXPECT_EQ(FindFpmProfile("huge"), nullptr);
  EXPECT_EQ(FpmProfileNames(), "dev, light, medium, heavy, bursty");
}

}  // namespace
}  // namespace phpeek::autotune
