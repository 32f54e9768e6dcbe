// The spec's "Restart rule" as pure functions: given how an instance's run ended and how many quick
// failures preceded it, decide whether it restarts now, later, or never, and what state it ends in.
// No clocks, no processes: the supervisor measures uptime and feeds it in, so the rule is tested
// exhaustively without real time.
#pragma once

#include <chrono>

#include "core/config/config.h"

namespace phpeek::process {

using Millis = std::chrono::milliseconds;

struct RestartParams {
  Millis backoff_initial{1000};
  Millis backoff_max{60000};
  int max_attempts = 5;  // consecutive quick failures before giving up; 0 = unlimited
  // A run at least this long was stable: the exit after it restarts at once and resets the count.
  Millis min_uptime{1000};
};

// The global backoff settings with the process's own min_uptime.
RestartParams RestartParamsFor(const config::GlobalSpec& global, const config::ProcessSpec& spec);

// Delay before the restart that follows the n-th consecutive quick failure (n >= 1):
// initial x 2^(n-1), capped at backoff_max.
Millis BackoffDelay(const RestartParams& params, int n);

enum class ExitOutcome {
  kRestart,    // restart after `delay` (zero = at once)
  kFailed,     // given up, or ended badly with no restart allowed
  kCompleted,  // a oneshot that exited 0
  kEndedWell,  // a longrun that exited 0 and is not restarted (on-failure / never)
};

struct RestartDecision {
  ExitOutcome outcome = ExitOutcome::kRestart;
  Millis delay{0};
  int consecutive_failures = 0;  // the count to carry into the next run
};

struct RunEnd {
  bool success = false;  // exited with status 0
  Millis uptime{0};
  int consecutive_failures = 0;  // quick failures before this run
};

// What happens after an unintended exit (or a failed spawn, which is an exit with uptime 0).
// A longrun's exit 0 is never a failure: under `always` it restarts at once, whatever its uptime,
// and clears the count (Laravel workers with --max-jobs, Octane's --max-requests end that way).
// Oneshots: exit 0 completes; a failure restarts unless the policy is `never` (`always` acts as
// `on-failure`, or a oneshot would run forever).
RestartDecision DecideAfterExit(const RestartParams& params, config::RestartPolicy policy,
                                config::ProcessType type, const RunEnd& run);

const char* ToString(ExitOutcome outcome);

}  // namespace phpeek::process
