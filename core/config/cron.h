// The schedule keys of a process: `schedule` (a cron expression, parsed by the scheduler's own
// parser, core/schedule/cron_expression.h, so what validates is what runs), `schedule_timezone`
// (UTC, Local or a zone of the system tz database, core/schedule/time_zone.h),
// `schedule_timeout` and `schedule_max_concurrent`, and the checks across keys once a process is
// read. process_section.cc calls these; the keys are described in ../shared/spec/lifecycle.md.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/config/reader.h"
#include "core/schedule/scheduled_job.h"

namespace phpeek::config {

// The check `schedule:` gets, as one message naming each bad field ("minute: 61 is out of range
// 0-59; hour: ..."); false when the expression is invalid.
bool ValidateCron(const std::string& expression, std::string* err);

// Where each schedule key was written (line 0: not written), for the checks across keys.
struct ScheduleKeyPositions {
  SourcePos schedule, timezone, timeout, max_concurrent;
};

std::vector<KeyHandler> ScheduleKeyHandlers(Reader& r, ProcessSpec* out,
                                            ScheduleKeyPositions* seen);

// A job has one run stream: `scale` other than 1 next to `schedule` is an error (at the scale).
// The other schedule keys without `schedule` do nothing: a warning each.
void CheckScheduleKeys(Reader& r, const std::string& path, const ProcessSpec& p,
                       const ScheduleKeyPositions& seen, SourcePos scale_pos);

// The scheduler's settings for a process with a `schedule` (the engine's input to
// schedule::ScheduledJob). The keys were validated at load, so this fails only when the zone's
// file went away since (a tzdata upgrade in progress): false with the reason in `err`.
bool JobSettingsFor(const ProcessSpec& p, const GlobalSpec& global, schedule::JobSettings* out,
                    std::string* err);

}  // namespace phpeek::config
