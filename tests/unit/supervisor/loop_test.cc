#include "core/supervisor/loop.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <vector>

#include "tests/unit/supervisor/fake_os.h"

namespace phpeek::supervisor {
namespace {

using std::chrono::milliseconds;

TEST(LoopTest, TimersFireInDeadlineOrderAndCancelledOnesNever) {
  Loop loop;
  std::string err;
  ASSERT_TRUE(loop.Init(&err)) << err;
  std::vector<int> fired;
  const auto now = Clock::now();
  loop.AddTimer(now + milliseconds(30), [&] { fired.push_back(3); });
  loop.AddTimer(now + milliseconds(10), [&] { fired.push_back(1); });
  const auto cancelled = loop.AddTimer(now + milliseconds(20), [&] { fired.push_back(2); });
  loop.CancelTimer(cancelled);
  while (fired.size() < 2) loop.RunOnce();
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_GE(Clock::now() - now, milliseconds(30));
  EXPECT_EQ(loop.timers(), 0u);
}

// A timer with slack does not wake the loop before its latest time, and runs in the wake-up of an
// earlier exact timer once it is due: one wake-up for both.
TEST(LoopTest, ATimerWithSlackSharesTheWakeUpOfAnExactOne) {
  Loop loop;
  std::string err;
  ASSERT_TRUE(loop.Init(&err)) << err;
  std::vector<int> fired;
  const auto start = Clock::now();
  loop.AddTimer(
      start + milliseconds(5), [&] { fired.push_back(1); }, milliseconds(200));
  loop.AddTimer(start + milliseconds(30), [&] { fired.push_back(2); });
  const uint64_t wakeups = loop.wakeups();
  while (fired.empty()) loop.RunOnce();
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
  EXPECT_EQ(loop.wakeups(), wakeups + 1);
  EXPECT_GE(Clock::now() - start, milliseconds(30));  // not woken at 5 ms for the loose one

  fired.clear();
  const auto later = Clock::now();
  loop.AddTimer(
      later + milliseconds(5), [&] { fired.push_back(3); }, milliseconds(40));
  while (fired.empty()) loop.RunOnce();
  EXPECT_GE(Clock::now() - later, milliseconds(45));  // alone: at its latest time
  EXPECT_EQ(loop.timers(), 0u);
}

TEST(LoopTest, TimerAddedFromATimerRunsLater) {
  Loop loop;
  std::string err;
  ASSERT_TRUE(loop.Init(&err));
  int count = 0;
  loop.AddTimer(Clock::now(), [&] {
    ++count;
    loop.AddTimer(Clock::now() + milliseconds(5), [&] { ++count; });
  });
  while (count < 2) loop.RunOnce();
  EXPECT_EQ(count, 2);
}

TEST(LoopTest, WatchedFdWakesTheLoopAndMayUnwatchItself) {
  Loop loop;
  std::string err;
  ASSERT_TRUE(loop.Init(&err));
  const int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  int calls = 0;
  ASSERT_TRUE(loop.Watch(efd, EPOLLIN, [&](uint32_t) {
    uint64_t v;
    EXPECT_EQ(read(efd, &v, sizeof v), 8);
    ++calls;
    loop.Unwatch(efd);
  }));
  const uint64_t one = 1;
  ASSERT_EQ(write(efd, &one, sizeof one), 8);
  loop.RunOnce();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop.watched(), 0u);
  close(efd);
}

TEST(LoopTest, NonWaitingTurnReturnsAtOnce) {
  Loop loop;
  std::string err;
  ASSERT_TRUE(loop.Init(&err));
  const auto start = Clock::now();
  loop.RunOnce(false);
  EXPECT_LT(Clock::now() - start, milliseconds(500));
  EXPECT_EQ(loop.wakeups(), 1u);
}

TEST(LoopTest, TimersFollowTheTimeSourceNotTheWallClock) {
  testing::FakeClock clock;
  Loop loop(clock);
  std::string err;
  ASSERT_TRUE(loop.Init(&err));
  std::vector<int> fired;
  loop.AddTimer(clock.Now() + std::chrono::hours(2), [&] { fired.push_back(2); });
  loop.AddTimer(clock.Now() + std::chrono::hours(1), [&] { fired.push_back(1); });
  loop.RunOnce(false);
  EXPECT_TRUE(fired.empty());
  clock.Advance(std::chrono::hours(1) - milliseconds(1));
  loop.RunOnce(false);
  EXPECT_TRUE(fired.empty());
  clock.Advance(milliseconds(1));
  loop.RunOnce(false);
  EXPECT_EQ(fired, (std::vector<int>{1}));
  clock.Advance(std::chrono::hours(5));
  loop.RunOnce(false);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
  EXPECT_EQ(loop.timers(), 0u);
}

}  // namespace
}  // namespace phpeek::supervisor
