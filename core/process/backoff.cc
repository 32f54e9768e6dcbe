#include "core/process/backoff.h"

#include <algorithm>

namespace phpeek::process {
namespace {

bool WantsRestart(config::RestartPolicy policy, config::ProcessType type, bool success) {
  if (type == config::ProcessType::kOneshot) {
    return !success && policy != config::RestartPolicy::kNever;
  }
  switch (policy) {
    case config::RestartPolicy::kAlways:
      return true;
    case config::RestartPolicy::kOnFailure:
      return !success;
    case config::RestartPolicy::kNever:
      return false;
  }
  return false;
}

}  // namespace

RestartParams RestartParamsFor(const config::GlobalSpec& global, const config::ProcessSpec& spec) {
  RestartParams p;
  p.backoff_initial = global.restart_backoff_initial;
  p.backoff_max = global.restart_backoff_max;
  p.max_attempts = global.max_restart_attempts;
  p.min_uptime = spec.min_uptime;
  return p;
}

Millis BackoffDelay(const RestartParams& params, int n) {
  if (n < 1) return Millis(0);
  // Doubling stops once the cap is reached, so large n cannot overflow.
  Millis delay = params.backoff_initial;
  for (int i = 1; i < n && delay < params.backoff_max; ++i) delay *= 2;
  return std::min(delay, params.backoff_max);
}

RestartDecision DecideAfterExit(const RestartParams& params, config::RestartPolicy policy,
                                config::ProcessType type, const RunEnd& run) {
  RestartDecision d;
  // A spawn that failed has no uptime and is never stable, even with a zero threshold.
  const bool stable = run.uptime > Millis(0) && run.uptime >= params.min_uptime;
  d.consecutive_failures = stable || run.success ? 0 : run.consecutive_failures + 1;
  if (type == config::ProcessType::kOneshot && run.success) {
    d.outcome = ExitOutcome::kCompleted;
    return d;
  }
  if (!WantsRestart(policy, type, run.success)) {
    d.outcome = run.success ? ExitOutcome::kEndedWell : ExitOutcome::kFailed;
    return d;
  }
  if (stable || run.success) {
    d.outcome = ExitOutcome::kRestart;  // after a stable run or a clean exit: at once
    return d;
  }
  if (params.max_attempts > 0 && d.consecutive_failures >= params.max_attempts) {
    d.outcome = ExitOutcome::kFailed;
    return d;
  }
  d.outcome = ExitOutcome::kRestart;
  d.delay = BackoffDelay(params, d.consecutive_failures);
  return d;
}

const char* ToString(ExitOutcome outcome) {
  switch (outcome) {
    case ExitOutcome::kRestart:
      return "restart";
    case ExitOutcome::kFailed:
      return "failed";
    case ExitOutcome::kCompleted:
      return "completed";
    case ExitOutcome::kEndedWell:
      return "ended";
  }
  return "unknown";
}

}  // namespace phpeek::process
