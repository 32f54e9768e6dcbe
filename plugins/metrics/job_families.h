// The families of scheduled jobs (lifecycle.md, "Scheduled jobs"), from the job members of the
// host's process list (ABI 1.1): every value is the core's own count or time, so a scrape that
// misses events loses nothing. A job's series exist while it is configured; the time series only
// while they have a value (no next run while paused, no last run before the first).
//   phpeek_pm_scheduled_runs_total{name,result}            counter: success failure timeout skipped
//   phpeek_pm_scheduled_duration_seconds{name}             gauge: the last finished run's duration
//   phpeek_pm_scheduled_last_run_timestamp_seconds{name}   gauge: start of the latest run
//   phpeek_pm_scheduled_next_run_timestamp_seconds{name}   gauge: the next tick
#pragma once

#include <vector>

#include "plugins/metrics/exposition.h"
#include "plugins/metrics/snapshot.h"

namespace phpeek::metrics {

// Appends the four families (also when no job is configured: HELP and TYPE still list them).
void AddJobFamilies(const std::vector<ProcessSnapshot>& processes, std::vector<Family>* out);

}  // namespace phpeek::metrics
