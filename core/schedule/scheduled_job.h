// One scheduled job's bookkeeping, independent of processes: its tick planner, pause state, the
// runs in flight against `schedule_max_concurrent`, run ids, counters and the history ring. The
// engine owns one per process with a `schedule` and calls it from its loop thread only (nothing
// here locks); it does the process side itself. How the engine drives it:
//
//   config::JobSettingsFor(spec, global, &settings, &err);   // core/config/cron.h
//   ScheduledJob job(settings, system_clock::now());          // past ticks never run
//   // On every wake-up: its timer for the job, a wall-clock change (timerfd with
//   // TFD_TIMER_CANCEL_ON_SET), start-up. The same calls with an accelerated clock in tests.
//   JobWake w = job.OnWake(system_clock::now());
//   if (w.start)   spawn run *w.start (env PHPEEK_PM_RUN_ID=*w.start, output run=<id>),
//                  stop it after settings().timeout;
//   if (w.skipped) log/count it (it is in the history already);
//   if (w.next)    arm the timer for *w.next - now on the wall clock; else no tick ahead.
//   // When a run ends (or failed to start):
//   job.RunFinished(id, {exit_code, signal, timed_out}, system_clock::now(), steady_duration);
//   // API: Trigger (manual run, nullopt = at the limit), Pause, Resume, History, job_json.h.
//   // Reload: Reconfigure(new settings, now).
//   // After Resume or Reconfigure, OnWake(now) again gives the wake-up to arm.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/schedule/run_history.h"
#include "core/schedule/tick_planner.h"

namespace phpeek::schedule {

struct JobSettings {
  std::string name;
  CronExpression cron;
  TimeZone zone;
  int max_concurrent = 1;  // runs at once; 0 = no limit (the original's meaning of 0)
  std::optional<std::chrono::milliseconds> timeout;
  size_t history_size = kDefaultHistorySize;
};

// "idle", "executing" (a run is active), "paused" (wins over executing: the schedule is off).
enum class JobState { kIdle, kExecuting, kPaused };
const char* ToString(JobState state);

struct JobWake {
  std::optional<int64_t> start;      // a scheduled run to start now, with this id
  std::optional<RunRecord> skipped;  // a tick skipped (and recorded) for max_concurrent
  std::optional<TickDue> tick;       // the tick handled, if one fell due (also when paused)
  bool paused = false;               // a tick fell due while paused and was dropped
  bool clock_reset = false;          // see TickPlanner
  std::optional<Instant> next;       // wake up then; nullopt: no tick ahead
};

struct RunOutcome {
  std::optional<int> exit_code;  // unset when a signal ended it or it never started
  std::optional<int> signal;
  bool timed_out = false;  // stopped by the engine for schedule_timeout
};

class ScheduledJob {
 public:
  ScheduledJob(JobSettings settings, WallTime now);

  JobWake OnWake(WallTime now);
  // A manual run (API trigger, CLI). Allowed while paused: pausing stops the schedule, not the
  // operator. nullopt when max_concurrent runs are active (the caller refuses, e.g. 409).
  std::optional<int64_t> Trigger(WallTime now);
  // Ends an active run. `duration` is what the caller measured on a steady clock; without it the
  // wall-clock difference is used (never negative). False for an id that is not active.
  bool RunFinished(int64_t id, const RunOutcome& outcome, WallTime now,
                   std::optional<std::chrono::milliseconds> duration = std::nullopt);

  // False when already in that state. Resume forgets the ticks that fell due while paused.
  bool Pause();
  bool Resume(WallTime now);
  // A reload changed the job's keys: a new expression or zone restarts the planner from `now`;
  // limits and history size apply at once; runs in flight and history stay.
  void Reconfigure(JobSettings settings, WallTime now);

  const JobSettings& settings() const { return settings_; }
  JobState state() const;
  bool paused() const { return paused_; }
  std::optional<Instant> next_run() const;                        // unset while paused
  std::optional<WallTime> last_run() const { return last_run_; }  // start of the latest real run
  std::optional<int> last_exit_code() const { return last_exit_code_; }
  int64_t run_count() const { return run_count_; }  // runs started; skipped ticks not counted
  // Finished runs by result (skipped ticks included), since the job was made; for metrics.
  int64_t result_count(RunResult result) const {
    return result_counts_[static_cast<size_t>(result)];
  }
  // The duration of the latest finished run (skipped ticks do not count); unset before the first.
  std::optional<int64_t> last_duration_ms() const { return last_duration_ms_; }
  const std::vector<RunRecord>& active_runs() const { return active_; }  // oldest first
  // Active runs, then finished ones, newest first; at most `limit` (0 = all).
  std::vector<RunRecord> History(size_t limit) const;
  // Run `id`, active or in the history; nullopt when unknown or no longer kept.
  std::optional<RunRecord> FindRun(int64_t id) const;

 private:
  bool AtLimit() const;
  int64_t StartRun(RunTrigger trigger, WallTime now);

  JobSettings settings_;
  TickPlanner planner_;
  RunHistory history_;
  std::vector<RunRecord> active_;
  bool paused_ = false;
  int64_t next_id_ = 1;
  int64_t run_count_ = 0;
  std::optional<WallTime> last_run_;
  std::optional<int> last_exit_code_;
  std::optional<int64_t> last_duration_ms_;
  std::array<int64_t, kRunResultCount> result_counts_{};
};

// The wall clock to a whole second (ticks are whole minutes; runs keep milliseconds).
Instant ToInstant(WallTime t);

}  // namespace phpeek::schedule
