// The pure half of the scheduler: from wall-clock readings alone, which tick of one job is due and
// when to wake next. It owns no timer and reads no clock. ScheduledJob (scheduled_job.h) holds one;
// the engine calls it whenever it wakes (its timer, a wall-clock change such as timerfd's
// TFD_TIMER_CANCEL_ON_SET, start-up), and a test or an accelerated clock drives the same calls
// with invented times.
//
// Clock rules:
//  - Ticks before the planner was made (or Reset) never run: a daemon started at 10:07 does not
//    run the 10:05 tick.
//  - No catch-up burst: when several ticks fell due since the last call (a suspend, a clock jump
//    forward, a stalled loop), one run stands for all of them.
//  - A clock that goes back does not run a tick twice: ticks up to the last one handled wait until
//    the clock passes it again. Except when it goes back more than kClockResetThreshold: that is a
//    corrected clock, not a wobble (as Vixie cron and cronie treat it), so the schedule starts
//    again from the new time instead of waiting hours or years for the old one.
#pragma once

#include <chrono>
#include <optional>

#include "core/schedule/cron_expression.h"
#include "core/schedule/fire_times.h"
#include "core/schedule/time_zone.h"

namespace phpeek::schedule {

constexpr std::chrono::hours kClockResetThreshold{3};
// Ticks counted for TickDue::missed; past this the count stops (a minutely job after a week of
// suspend is "at least 1000 missed", not 10080 fire-time computations).
constexpr int kMaxCountedMissedTicks = 1000;

struct TickDue {
  Instant tick;    // the tick that fell due first; the run stands for it and any later ones
  int missed = 0;  // further ticks that fell due up to now and will not run of their own
};

struct PollResult {
  std::optional<TickDue> due;   // run now
  std::optional<Instant> next;  // the next tick to wake for; nullopt: the schedule never fires
  bool clock_reset = false;     // the clock went back by more than kClockResetThreshold
};

class TickPlanner {
 public:
  TickPlanner(CronExpression cron, TimeZone zone, Instant now);

  PollResult Poll(Instant now);
  // Forgets every tick up to `now` (a resumed job does not run what fell due while paused).
  void Reset(Instant now);

  std::optional<Instant> next_tick() const { return next_; }
  const CronExpression& cron() const { return cron_; }
  const TimeZone& zone() const { return zone_; }

 private:
  CronExpression cron_;
  TimeZone zone_;
  Instant handled_through_;  // every tick up to this instant has been handled (or predates us)
  std::optional<Instant> next_;
};

}  // namespace phpeek::schedule
