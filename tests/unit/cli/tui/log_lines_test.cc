#include "core/cli/tui/log_lines.h"

#include <gtest/gtest.h>

namespace phpeek::cli::tui {
namespace {

LogLines Numbered(int n, size_t capacity = 100) {
  LogLines log(capacity);
  for (int i = 1; i <= n; ++i) log.Add("line " + std::to_string(i));
  return log;
}

TEST(TuiLogLines, FollowsTheNewestLines) {
  LogLines log = Numbered(10);
  EXPECT_TRUE(log.following());
  EXPECT_EQ(log.Window(3), (std::vector<std::string>{"line 8", "line 9", "line 10"}));
  log.Add("line 11");
  EXPECT_EQ(log.Window(3).back(), "line 11");
  EXPECT_EQ(Numbered(2).Window(5).size(), 2u);
}

TEST(TuiLogLines, ScrollingBackStopsFollowingUntilTheEnd) {
  LogLines log = Numbered(10);
  log.Scroll(-2, 3);
  EXPECT_FALSE(log.following());
  EXPECT_EQ(log.Window(3), (std::vector<std::string>{"line 6", "line 7", "line 8"}));
  log.Add("line 11");  // the view stays where the reader is
  EXPECT_EQ(log.Window(3).front(), "line 6");
  log.Scroll(-100, 3);
  EXPECT_EQ(log.Window(3).front(), "line 1");
  log.Scroll(100, 3);
  EXPECT_TRUE(log.following());
  EXPECT_EQ(log.Window(3).back(), "line 11");
  log.Scroll(-1, 3);
  log.FollowEnd();
  EXPECT_EQ(log.Window(3).back(), "line 11");
}

TEST(TuiLogLines, KeepsTheNewestCapacityLines) {
  LogLines log = Numbered(10, 4);
  EXPECT_EQ(log.size(), 4u);
  EXPECT_EQ(log.Window(10).front(), "line 7");
  log.Scroll(-1, 2);   // shows 8, 9
  log.Add("line 11");  // drops 7: the lines shown stay
  EXPECT_EQ(log.Window(2), (std::vector<std::string>{"line 8", "line 9"}));
  log.Clear();
  EXPECT_EQ(log.size(), 0u);
  EXPECT_TRUE(log.following());
}

}  // namespace
}  // namespace phpeek::cli::tui
