// The thresholds exactly as lifecycle.md states them.
#include "core/health/health_state.h"

#include <gtest/gtest.h>

namespace phpeek::health {
namespace {

TEST(HealthStateTest, UnknownUntilSuccessThresholdConsecutivePasses) {
  HealthState s(3, 2);
  EXPECT_EQ(s.health(), Health::kUnknown);
  EXPECT_EQ(s.Record(true), std::nullopt);
  EXPECT_EQ(s.Record(true), std::nullopt);
  EXPECT_EQ(s.Record(false), std::nullopt);  // the run of passes starts again
  EXPECT_EQ(s.Record(true), std::nullopt);
  EXPECT_EQ(s.Record(true), std::nullopt);
  EXPECT_EQ(s.health(), Health::kUnknown);
  EXPECT_EQ(s.Record(true), Health::kHealthy);
  EXPECT_EQ(s.Record(true), std::nullopt);  // no change, no report
}

// The original counted a failing first probe as ready; here one failure is not a verdict either.
TEST(HealthStateTest, AFailingFirstProbeIsNotReadyNorUnhealthy) {
  HealthState s(1, 3);
  EXPECT_EQ(s.Record(false), std::nullopt);
  EXPECT_EQ(s.health(), Health::kUnknown);
  EXPECT_EQ(s.consecutive_failures(), 1);
}

TEST(HealthStateTest, FailureThresholdConsecutiveFailuresMakeItUnhealthyFromAnyState) {
  HealthState fresh(1, 3);
  EXPECT_EQ(fresh.Record(false), std::nullopt);
  EXPECT_EQ(fresh.Record(false), std::nullopt);
  EXPECT_EQ(fresh.Record(false), Health::kUnhealthy);  // never passed: unhealthy, not a wait
  HealthState healthy(1, 2);
  EXPECT_EQ(healthy.Record(true), Health::kHealthy);
  EXPECT_EQ(healthy.Record(false), std::nullopt);
  EXPECT_EQ(healthy.Record(true), std::nullopt);  // the run of failures starts again
  EXPECT_EQ(healthy.Record(false), std::nullopt);
  EXPECT_EQ(healthy.health(), Health::kHealthy);
  EXPECT_EQ(healthy.Record(false), Health::kUnhealthy);
  EXPECT_EQ(healthy.Record(false), std::nullopt);
}

TEST(HealthStateTest, UnhealthyRecoversAfterSuccessThresholdPassesAndResetForgets) {
  HealthState s(2, 1);
  EXPECT_EQ(s.Record(false), Health::kUnhealthy);
  EXPECT_EQ(s.Record(true), std::nullopt);
  EXPECT_EQ(s.Record(true), Health::kHealthy);
  s.Reset();
  EXPECT_EQ(s.health(), Health::kUnknown);
  EXPECT_EQ(s.consecutive_passes(), 0);
  EXPECT_EQ(s.consecutive_failures(), 0);
}

TEST(HealthStateTest, Words) {
  EXPECT_STREQ(ToString(Health::kUnknown), "unknown");
  EXPECT_STREQ(ToString(Health::kHealthy), "healthy");
  EXPECT_STREQ(ToString(Health::kUnhealthy), "unhealthy");
}

}  // namespace
}  // namespace phpeek::health
