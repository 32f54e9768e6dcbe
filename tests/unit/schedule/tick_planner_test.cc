// TickPlanner driven by invented wall-clock readings: start-up, due ticks, suspend and clock
// jumps in both directions.
#include "core/schedule/tick_planner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/schedule/time_text.h"

namespace phpeek::schedule {
namespace {

std::string Next(const PollResult& r) { return r.next ? Iso(*r.next) : "never"; }

TEST(TickPlannerTest, StartsWithTheFirstTickAfterStartUp) {
  TickPlanner p(Cron("*/5 * * * *"), TimeZone::Utc(), Utc("2025-06-13T10:07:00Z"));
  ASSERT_TRUE(p.next_tick());
  EXPECT_EQ(Iso(*p.next_tick()), "2025-06-13T10:10:00Z");
  const PollResult r = p.Poll(Utc("2025-06-13T10:07:00Z"));
  EXPECT_FALSE(r.due);  // the 10:05 tick predates the daemon
  EXPECT_EQ(Next(r), "2025-06-13T10:10:00Z");
}

TEST(TickPlannerTest, EachTickOnceWhenPolledOnTime) {
  TickPlanner p(Cron("*/5 * * * *"), TimeZone::Utc(), Utc("2025-06-13T10:07:00Z"));
  EXPECT_FALSE(p.Poll(Utc("2025-06-13T10:09:59Z")).due);
  const PollResult at = p.Poll(Utc("2025-06-13T10:10:00Z"));
  ASSERT_TRUE(at.due);
  EXPECT_EQ(Iso(at.due->tick), "2025-06-13T10:10:00Z");
  EXPECT_EQ(at.due->missed, 0);
  EXPECT_EQ(Next(at), "2025-06-13T10:15:00Z");
  EXPECT_FALSE(p.Poll(Utc("2025-06-13T10:10:00Z")).due);  // a second wake-up in the same second
  EXPECT_FALSE(p.Poll(Utc("2025-06-13T10:14:00Z")).due);
  const PollResult late = p.Poll(Utc("2025-06-13T10:15:02Z"));  // a timer a little late
  ASSERT_TRUE(late.due);
  EXPECT_EQ(Iso(late.due->tick), "2025-06-13T10:15:00Z");
  EXPECT_EQ(Next(late), "2025-06-13T10:20:00Z");
}

// A laptop suspended from 10:12 to 11:03 misses ten ticks of */5: one run on wake-up.
TEST(TickPlannerTest, NoCatchUpBurstAfterSuspend) {
  TickPlanner p(Cron("*/5 * * * *"), TimeZone::Utc(), Utc("2025-06-13T10:07:00Z"));
  EXPECT_TRUE(p.Poll(Utc("2025-06-13T10:10:00Z")).due);
  const PollResult wake = p.Poll(Utc("2025-06-13T11:03:00Z"));
  ASSERT_TRUE(wake.due);
  EXPECT_EQ(Iso(wake.due->tick), "2025-06-13T10:15:00Z");
  EXPECT_EQ(wake.due->missed, 9);  // 10:20 .. 11:00
  EXPECT_EQ(Next(wake), "2025-06-13T11:05:00Z");
  EXPECT_FALSE(p.Poll(Utc("2025-06-13T11:03:01Z")).due);
  EXPECT_FALSE(p.Poll(Utc("2025-06-13T11:04:59Z")).due);
  EXPECT_TRUE(p.Poll(Utc("2025-06-13T11:05:00Z")).due);
}

TEST(TickPlannerTest, ClockJumpForwardRunsOnce) {
  TickPlanner p(Cron("0 * * * *"), TimeZone::Utc(), Utc("2025-06-13T10:30:00Z"));
  const PollResult r = p.Poll(Utc("2025-06-20T10:30:00Z"));  // a week later
  ASSERT_TRUE(r.due);
  EXPECT_EQ(Iso(r.due->tick), "2025-06-13T11:00:00Z");
  EXPECT_EQ(r.due->missed, 167);
  EXPECT_EQ(Next(r), "2025-06-20T11:00:00Z");
  EXPECT_FALSE(r.clock_reset);
}

TEST(TickPlannerTest, MissedCountStopsAtItsCap) {
  TickPlanner p(Cron("* * * * *"), TimeZone::Utc(), Utc("2025-06-13T10:30:30Z"));
  const PollResult r = p.Poll(Utc("2025-07-13T10:30:30Z"));
  ASSERT_TRUE(r.due);
  EXPECT_EQ(r.due->missed, kMaxCountedMissedTicks);
  EXPECT_EQ(Next(r), "2025-07-13T10:31:00Z");
}

// The clock goes back 40 minutes after the 10:10 and 10:15 ticks ran: they do not run again, and
// nothing runs until the clock passes 10:15 once more.
TEST(TickPlannerTest, SmallBackwardJumpDoesNotRepeatTicks) {
  TickPlanner p(Cron("*/5 * * * *"), TimeZone::Utc(), Utc("2025-06-13T10:07:00Z"));
  EXPECT_TRUE(p.Poll(Utc("2025-06-13T10:10:00Z")).due);
  EXPECT_TRUE(p.Poll(Utc("2025-06-13T10:15:00Z")).due);
  for (const char* t : {"2025-06-13T09:35:00Z", "2025-06-13T09:40:00Z", "2025-06-13T10:00:00Z",
                        "2025-06-13T10:10:00Z", "2025-06-13T10:15:00Z", "2025-06-13T10:19:59Z"}) {
    const PollResult r = p.Poll(Utc(t));
    EXPECT_FALSE(r.due) << t;
    EXPECT_FALSE(r.clock_reset) << t;
    EXPECT_EQ(Next(r), "2025-06-13T10:20:00Z") << t;
  }
  EXPECT_TRUE(p.Poll(Utc("2025-06-13T10:20:00Z")).due);
}

// The clock was a day ahead (a bad RTC) and NTP sets it right: the schedule restarts from the
// corrected time instead of waiting a day.
TEST(TickPlannerTest, LargeBackwardJumpRestartsFromTheNewTime) {
  TickPlanner p(Cron("*/5 * * * *"), TimeZone::Utc(), Utc("2025-06-14T10:07:00Z"));
  EXPECT_TRUE(p.Poll(Utc("2025-06-14T10:10:00Z")).due);
  const PollResult r = p.Poll(Utc("2025-06-13T10:11:00Z"));
  EXPECT_TRUE(r.clock_reset);
  EXPECT_FALSE(r.due);
  EXPECT_EQ(Next(r), "2025-06-13T10:15:00Z");
  EXPECT_TRUE(p.Poll(Utc("2025-06-13T10:15:00Z")).due);
  // Just inside the threshold is a wobble, not a reset.
  TickPlanner q(Cron("*/5 * * * *"), TimeZone::Utc(), Utc("2025-06-14T10:07:00Z"));
  EXPECT_TRUE(q.Poll(Utc("2025-06-14T10:10:00Z")).due);
  const PollResult wobble = q.Poll(Utc("2025-06-14T07:10:00Z"));
  EXPECT_FALSE(wobble.clock_reset);
  EXPECT_EQ(Next(wobble), "2025-06-14T10:15:00Z");
  EXPECT_TRUE(q.Poll(Utc("2025-06-14T07:09:59Z")).clock_reset);
}

TEST(TickPlannerTest, ResetForgetsTicksUpToNow) {
  TickPlanner p(Cron("*/5 * * * *"), TimeZone::Utc(), Utc("2025-06-13T10:07:00Z"));
  p.Reset(Utc("2025-06-13T11:02:00Z"));
  const PollResult r = p.Poll(Utc("2025-06-13T11:02:00Z"));
  EXPECT_FALSE(r.due);
  EXPECT_EQ(Next(r), "2025-06-13T11:05:00Z");
}

// Across Berlin's fall back, wall-clock polls every minute: each tick once, the repeated hour
// fires nothing a second time.
TEST(TickPlannerTest, FallBackInAZoneRunsEachLocalTimeOnce) {
  TimeZone berlin;
  std::string err;
  ASSERT_TRUE(TimeZone::Find("Europe/Berlin", &berlin, &err)) << err;
  TickPlanner p(Cron("*/30 * * * *"), berlin, Utc("2025-10-25T23:45:00Z"));
  std::vector<std::string> ran;
  for (Instant t = Utc("2025-10-25T23:45:00Z"); t <= Utc("2025-10-26T03:00:00Z");
       t += std::chrono::minutes{1}) {
    if (const PollResult r = p.Poll(t); r.due) ran.push_back(Wall(berlin, r.due->tick));
  }
  EXPECT_EQ(ran,
            (std::vector<std::string>{"2025-10-26 02:00", "2025-10-26 02:30", "2025-10-26 03:00",
                                      "2025-10-26 03:30", "2025-10-26 04:00"}));
}

}  // namespace
}  // namespace phpeek::schedule
