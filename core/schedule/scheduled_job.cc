// One job's bookkeeping around its TickPlanner: which tick becomes a run, a skipped record or
// nothing (paused), and what a finished run is recorded as. Called by the engine's loop thread.
#include "core/schedule/scheduled_job.h"

#include <algorithm>
#include <utility>

namespace phpeek::schedule {

using std::chrono::milliseconds;

const char* ToString(JobState state) {
  switch (state) {
    case JobState::kIdle:
      return "idle";
    case JobState::kExecuting:
      return "executing";
    case JobState::kPaused:
      return "paused";
  }
  return "idle";
}

Instant ToInstant(WallTime t) { return std::chrono::floor<std::chrono::seconds>(t); }

ScheduledJob::ScheduledJob(JobSettings settings, WallTime now)
    : settings_(std::move(settings)),
      planner_(settings_.cron, settings_.zone, ToInstant(now)),
      history_(settings_.history_size) {}

JobState ScheduledJob::state() const {
  if (paused_) return JobState::kPaused;
  return active_.empty() ? JobState::kIdle : JobState::kExecuting;
}

std::optional<Instant> ScheduledJob::next_run() const {
  if (paused_) return std::nullopt;
  return planner_.next_tick();
}

bool ScheduledJob::AtLimit() const {
  return settings_.max_concurrent > 0 &&
         active_.size() >= static_cast<size_t>(settings_.max_concurrent);
}

int64_t ScheduledJob::StartRun(RunTrigger trigger, WallTime now) {
  RunRecord run;
  run.id = next_id_++;
  run.trigger = trigger;
  run.started_at = now;
  active_.push_back(run);
  ++run_count_;
  last_run_ = now;
  return run.id;
}

JobWake ScheduledJob::OnWake(WallTime now) {
  const PollResult poll = planner_.Poll(ToInstant(now));
  JobWake wake;
  wake.tick = poll.due;
  wake.clock_reset = poll.clock_reset;
  if (poll.due) {
    if (paused_) {
      wake.paused = true;
    } else if (AtLimit()) {
      RunRecord run;
      run.id = next_id_++;
      run.started_at = now;
      run.finished_at = now;
      run.duration_ms = 0;
      run.result = RunResult::kSkipped;
      ++result_counts_[static_cast<size_t>(RunResult::kSkipped)];
      history_.Add(run);
      wake.skipped = std::move(run);
    } else {
      wake.start = StartRun(RunTrigger::kSchedule, now);
    }
  }
  wake.next = next_run();
  return wake;
}

std::optional<int64_t> ScheduledJob::Trigger(WallTime now) {
  if (AtLimit()) return std::nullopt;
  return StartRun(RunTrigger::kManual, now);
}

bool ScheduledJob::RunFinished(int64_t id, const RunOutcome& outcome, WallTime now,
                               std::optional<milliseconds> duration) {
  const auto it =
      std::find_if(active_.begin(), active_.end(), [id](const RunRecord& r) { return r.id == id; });
  if (it == active_.end()) return false;
  RunRecord run = std::move(*it);
  active_.erase(it);
  run.finished_at = now;
  const milliseconds measured =
      duration.value_or(std::chrono::duration_cast<milliseconds>(now - run.started_at));
  run.duration_ms = std::max<int64_t>(measured.count(), 0);
  run.exit_code = outcome.exit_code;
  run.signal = outcome.signal;
  if (outcome.timed_out) {
    run.result = RunResult::kTimeout;
  } else if (!outcome.signal && outcome.exit_code == 0) {
    run.result = RunResult::kSuccess;
  } else {
    run.result = RunResult::kFailure;
  }
  last_exit_code_ = outcome.exit_code;
  last_duration_ms_ = run.duration_ms;
  ++result_counts_[static_cast<size_t>(*run.result)];
  history_.Add(std::move(run));
  return true;
}

bool ScheduledJob::Pause() {
  if (paused_) return false;
  paused_ = true;
  return true;
}

bool ScheduledJob::Resume(WallTime now) {
  if (!paused_) return false;
  paused_ = false;
  planner_.Reset(ToInstant(now));
  return true;
}

void ScheduledJob::Reconfigure(JobSettings settings, WallTime now) {
  const bool new_times =
      settings.cron.text != settings_.cron.text || settings.zone.name() != settings_.zone.name();
  settings_ = std::move(settings);
  if (new_times) planner_ = TickPlanner(settings_.cron, settings_.zone, ToInstant(now));
  history_.SetCapacity(settings_.history_size);
}

std::vector<RunRecord> ScheduledJob::History(size_t limit) const {
  std::vector<RunRecord> out = history_.Newest(0);
  out.insert(out.end(), active_.begin(), active_.end());
  std::sort(out.begin(), out.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.id > b.id; });
  if (limit != 0 && out.size() > limit) out.resize(limit);
  return out;
}

std::optional<RunRecord> ScheduledJob::FindRun(int64_t id) const {
  for (const RunRecord& run : active_) {
    if (run.id == id) return run;
  }
  if (const RunRecord* run = history_.Find(id)) return *run;
  return std::nullopt;
}

}  // namespace phpeek::schedule
