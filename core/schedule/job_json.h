// A scheduled job as JSON, in the field names of ../shared/spec/lifecycle.md ("Scheduled jobs"),
// for whoever serves it (the engine's status snapshot, the API routes, the CLI). Times are Unix
// seconds like every other time of the API; unset values are null.
//
//   run:      {"id","trigger","started_at","finished_at","duration_ms","exit_code","signal",
//              "result"}                        (result null while the run is active)
//   schedule: {"name","schedule","timezone","schedule_state","next_run","last_run",
//              "last_exit_code","run_count","last_duration_ms","run_results":{"success":N,
//              "failure":N,"timeout":N,"skipped":N},"max_concurrent","timeout_ms",
//              "active_runs":[id...]}
//   history:  {"name","runs":[run...]}          (newest first)
#pragma once

#include <cstddef>
#include <string>

#include "core/json/json_writer.h"
#include "core/schedule/scheduled_job.h"

namespace phpeek::schedule {

void WriteRun(json::Writer* w, const RunRecord& run);

// The members a job adds to its object in the process list (no braces): "type":"scheduled",
// "schedule", "timezone", then as in the schedule document "schedule_state", "next_run",
// "last_run", "last_exit_code", "run_count", "last_duration_ms", "run_results".
void WriteJobListMembers(json::Writer* w, const ScheduledJob& job);

std::string ScheduleJson(const ScheduledJob& job);
// At most `limit` runs (0 = all the history holds).
std::string HistoryJson(const ScheduledJob& job, size_t limit);

}  // namespace phpeek::schedule
