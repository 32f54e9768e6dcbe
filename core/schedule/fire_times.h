// When a cron expression fires in a time zone. Called by TickPlanner (tick_planner.h) for the
// next wake-up, and by tests and tools that list upcoming runs.
//
// A tick is a wall-clock minute in the job's zone that the expression matches, and it fires at
// the first instant that wall clock shows it. DST, as ../shared/spec/lifecycle.md says: a minute
// the clocks skip (spring forward) does not fire that day; a minute the clocks show twice (fall
// back) fires once, the first time.
#pragma once

#include <optional>

#include "core/schedule/cron_expression.h"
#include "core/schedule/time_zone.h"

namespace phpeek::schedule {

// How far ahead NextFireTime looks. Every expression that validates fires within 8 years (29
// February skips 2100), so nothing is found only for a zone whose clocks never show the minutes.
constexpr int kFireSearchYears = 10;

// The first tick that fires strictly after `after`; nullopt when none within kFireSearchYears.
std::optional<Instant> NextFireTime(const CronExpression& cron, const TimeZone& zone,
                                    Instant after);

}  // namespace phpeek::schedule
