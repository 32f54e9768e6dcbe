// Poll: the due tick and the next wake-up from wall-clock readings, with the clock rules of
// tick_planner.h. Called through ScheduledJob::OnWake.
#include "core/schedule/tick_planner.h"

#include <utility>

namespace phpeek::schedule {

TickPlanner::TickPlanner(CronExpression cron, TimeZone zone, Instant now)
    : cron_(std::move(cron)), zone_(std::move(zone)) {
  Reset(now);
}

void TickPlanner::Reset(Instant now) {
  handled_through_ = now;
  next_ = NextFireTime(cron_, zone_, now);
}

PollResult TickPlanner::Poll(Instant now) {
  PollResult result;
  if (now < handled_through_ - kClockResetThreshold) {
    Reset(now);
    result.clock_reset = true;
  }
  if (next_ && *next_ <= now) {
    TickDue due{*next_, 0};
    for (std::optional<Instant> t = NextFireTime(cron_, zone_, *next_);
         t && *t <= now && due.missed < kMaxCountedMissedTicks;
         t = NextFireTime(cron_, zone_, *t)) {
      ++due.missed;
    }
    result.due = due;
    handled_through_ = now;
    next_ = NextFireTime(cron_, zone_, now);
  }
  result.next = next_;
  return result;
}

}  // namespace phpeek::schedule
