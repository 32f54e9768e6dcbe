// The daemon's readiness (lifecycle.md, "Readiness"): ready while every tracked process is ready.
// Tracked are `global.readiness.processes`, or, when that is empty, every enabled longrun that
// starts at boot (not a scheduled job, not initial_state: stopped). `all_healthy` asks each to be
// ready as the API words it (its desired instances running, and healthy where a readiness check
// decides); `all_running` only asks them to be running. A oneshot counts once completed (exit 0).
// With nothing tracked the daemon is ready. Pure: evaluated on every published snapshot.
#pragma once

#include <vector>

#include "core/config/config.h"
#include "core/supervisor/control.h"

namespace phpeek::health {

ReadinessStatus EvaluateReadiness(const config::Config& config,
                                  const std::vector<ProcessStatus>& processes);

}  // namespace phpeek::health
