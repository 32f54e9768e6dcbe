// Multiline grouping with a fake clock: the caller's timer decides when a waiting entry goes out.
#include "core/process_logs/multiline_grouper.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config/log_pattern.h"

namespace phpeek::process_logs {
namespace {

using std::chrono::milliseconds;

class MultilineGrouperTest : public ::testing::Test {
 protected:
  MultilineGrouperTest() {
    std::string err;
    spec_.enabled = true;
    spec_.start.re = config::CompileLogRegex("^\\[", false, &err);
    spec_.max_lines = 4;
    spec_.timeout = milliseconds(1000);
  }
  MultilineGrouper Make() {
    return MultilineGrouper(spec_, [this](std::string_view text, WallTime time) {
      out_.emplace_back(text);
      times_.push_back(time);
    });
  }
  // Fake clock: `ms` after the start.
  LineTime At(int ms) {
    return {MonoTime{} + milliseconds(ms), WallTime{} + milliseconds(1000000 + ms)};
  }

  config::MultilineSpec spec_;
  std::vector<std::string> out_;
  std::vector<WallTime> times_;
};

TEST_F(MultilineGrouperTest, StartLineClosesTheEntryBeforeIt) {
  MultilineGrouper g = Make();
  g.Push("[1] Exception: boom", At(0));
  g.Push("  #0 /app/a.php(3)", At(1));
  g.Push("  #1 {main}", At(2));
  EXPECT_TRUE(out_.empty());
  g.Push("[2] next", At(3));
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0], "[1] Exception: boom\n  #0 /app/a.php(3)\n  #1 {main}");
  EXPECT_EQ(times_[0], At(0).wall);  // the entry carries its first line's time
  g.Flush();
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[1], "[2] next");
  g.Flush();  // nothing left
  EXPECT_EQ(out_.size(), 2u);
}

TEST_F(MultilineGrouperTest, TimerFlushesWithoutANextLine) {
  MultilineGrouper g = Make();
  EXPECT_FALSE(g.deadline());
  g.Push("[1] Exception", At(100));
  g.Push("  trace", At(600));
  ASSERT_TRUE(g.deadline());
  EXPECT_EQ(*g.deadline(), At(1100).mono);  // timeout after the first line
  g.OnTimer(At(1099).mono);                 // early wake-up: keeps waiting
  EXPECT_TRUE(out_.empty());
  g.OnTimer(At(1100).mono);
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0], "[1] Exception\n  trace");
  EXPECT_FALSE(g.deadline());
  g.OnTimer(At(5000).mono);  // a stale timer does nothing
  EXPECT_EQ(out_.size(), 1u);
}

TEST_F(MultilineGrouperTest, MaxLinesCompletesAnEntry) {
  MultilineGrouper g = Make();
  g.Push("[1] a", At(0));
  for (int i = 0; i < 3; ++i) g.Push("  more", At(1));
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0], "[1] a\n  more\n  more\n  more");
  EXPECT_FALSE(g.deadline());
  g.Push("  orphan continuation", At(2));  // begins an entry of its own
  g.Flush();
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[1], "  orphan continuation");
}

TEST_F(MultilineGrouperTest, ByteBoundCompletesAnEntry) {
  spec_.max_lines = 10000;
  MultilineGrouper g = Make();
  const std::string big(MultilineGrouper::kMaxGroupBytes / 2, 'x');
  g.Push("[1] " + big, At(0));
  g.Push(big, At(1));  // would pass the bound: the entry before it goes out first
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(out_[0], "[1] " + big);
  g.Flush();
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[1], big);
}

}  // namespace
}  // namespace phpeek::process_logs
