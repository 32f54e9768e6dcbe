#include "core/autotune/memory_threshold.h"

#include <gtest/gtest.h>

#include <utility>

namespace phpeek::autotune {
namespace {

TEST(MemoryThreshold, AcceptsSharesFromZeroToTwo) {
  const std::pair<const char*, double> cases[] = {
      {"0.8", 0.8}, {"0", 0.0}, {"2", 2.0}, {"1.3", 1.3}, {"0.25", 0.25}};
  for (const auto& [text, value] : cases) {
    double out = -1;
    std::string error;
    EXPECT_TRUE(ParseMemoryThreshold(text, &out, &error)) << text << ": " << error;
    EXPECT_DOUBLE_EQ(out, value) << text;
  }
}

TEST(MemoryThreshold, RefusesEverythingElseSayingWhatItTakes) {
  for (const char* text : {"-0.5", "2.01", "abc", "", "0.8x", " 0.8", "nan", "inf", "1e0", "80%"}) {
    double out = 0.5;
    std::string error;
    EXPECT_FALSE(ParseMemoryThreshold(text, &out, &error)) << text;
    EXPECT_EQ(out, 0.5) << text;  // untouched
    EXPECT_NE(error.find("must be a number from 0 to 2"), std::string::npos) << error;
    EXPECT_NE(error.find("'" + std::string(text) + "'"), std::string::npos) << error;
  }
}

TEST(MemoryThreshold, PercentText) {
  EXPECT_EQ(PercentText(0.7), "70%");
  EXPECT_EQ(PercentText(1.5), "150%");
  EXPECT_EQ(PercentText(0.333), "33.3%");
}

}  // namespace
}  // namespace phpeek::autotune
