// JSON of scheduled jobs with core/json's writer; see job_json.h for the shapes. Called by
// whoever serves a job's state (the engine's snapshot, later the API routes and the CLI).
#include "core/schedule/job_json.h"

namespace phpeek::schedule {
namespace {

template <typename Clock, typename Duration>
int64_t UnixSeconds(std::chrono::time_point<Clock, Duration> t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

template <typename T>
void IntOrNull(json::Writer* w, const char* key, const std::optional<T>& value) {
  w->Key(key);
  if (value) {
    w->Int(static_cast<int64_t>(*value));
  } else {
    w->Null();
  }
}

template <typename Clock, typename Duration>
void TimeOrNull(json::Writer* w, const char* key,
                const std::optional<std::chrono::time_point<Clock, Duration>>& t) {
  w->Key(key);
  if (t) {
    w->Int(UnixSeconds(*t));
  } else {
    w->Null();
  }
}

// Members shared by the list form and the schedule document.
void WriteStateMembers(json::Writer* w, const ScheduledJob& job) {
  w->Key("schedule_state").String(ToString(job.state()));
  TimeOrNull(w, "next_run", job.next_run());
  TimeOrNull(w, "last_run", job.last_run());
  IntOrNull(w, "last_exit_code", job.last_exit_code());
  w->Key("run_count").Int(job.run_count());
  IntOrNull(w, "last_duration_ms", job.last_duration_ms());
  w->Key("run_results").BeginObject();
  for (RunResult r :
       {RunResult::kSuccess, RunResult::kFailure, RunResult::kTimeout, RunResult::kSkipped}) {
    w->Key(ToString(r)).Int(job.result_count(r));
  }
  w->EndObject();
}

}  // namespace

void WriteRun(json::Writer* w, const RunRecord& run) {
  w->BeginObject();
  w->Key("id").Int(run.id);
  w->Key("trigger").String(ToString(run.trigger));
  w->Key("started_at").Int(UnixSeconds(run.started_at));
  TimeOrNull(w, "finished_at", run.finished_at);
  IntOrNull(w, "duration_ms", run.duration_ms);
  IntOrNull(w, "exit_code", run.exit_code);
  IntOrNull(w, "signal", run.signal);
  w->Key("result");
  if (run.result) {
    w->String(ToString(*run.result));
  } else {
    w->Null();
  }
  w->EndObject();
}

void WriteJobListMembers(json::Writer* w, const ScheduledJob& job) {
  w->Key("type").String("scheduled");
  w->Key("schedule").String(job.settings().cron.text);
  w->Key("timezone").String(job.settings().zone.name());
  WriteStateMembers(w, job);
}

std::string ScheduleJson(const ScheduledJob& job) {
  const JobSettings& s = job.settings();
  json::Writer w;
  w.BeginObject();
  w.Key("name").String(s.name);
  w.Key("schedule").String(s.cron.text);
  w.Key("timezone").String(s.zone.name());
  WriteStateMembers(&w, job);
  w.Key("max_concurrent").Int(s.max_concurrent);
  w.Key("timeout_ms");
  if (s.timeout) {
    w.Int(s.timeout->count());
  } else {
    w.Null();
  }
  w.Key("active_runs").BeginArray();
  for (const RunRecord& run : job.active_runs()) w.Int(run.id);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string HistoryJson(const ScheduledJob& job, size_t limit) {
  json::Writer w;
  w.BeginObject();
  w.Key("name").String(job.settings().name);
  w.Key("runs").BeginArray();
  for (const RunRecord& run : job.History(limit)) WriteRun(&w, run);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace phpeek::schedule
