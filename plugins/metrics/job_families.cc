#include "plugins/metrics/job_families.h"

namespace phpeek::metrics {

void AddJobFamilies(const std::vector<ProcessSnapshot>& processes, std::vector<Family>* out) {
  Family runs{"phpeek_pm_scheduled_runs_total",
              "Finished runs of the scheduled job by result (success, failure, timeout, skipped).",
              MetricType::kCounter,
              {}};
  Family duration{"phpeek_pm_scheduled_duration_seconds",
                  "Duration of the scheduled job's last finished run, in seconds.",
                  MetricType::kGauge,
                  {}};
  Family last{"phpeek_pm_scheduled_last_run_timestamp_seconds",
              "Unix time the scheduled job's latest run started.",
              MetricType::kGauge,
              {}};
  Family next{"phpeek_pm_scheduled_next_run_timestamp_seconds",
              "Unix time of the scheduled job's next tick (absent while paused).",
              MetricType::kGauge,
              {}};
  for (const ProcessSnapshot& proc : processes) {
    if (!proc.job) continue;
    const JobSnapshot& job = *proc.job;
    for (size_t i = 0; i < kJobResults.size(); ++i) {
      runs.Add({{"name", proc.name}, {"result", kJobResults[i]}},
               static_cast<double>(job.results[i]));
    }
    if (job.last_duration_ms) {
      duration.Add({{"name", proc.name}}, static_cast<double>(*job.last_duration_ms) / 1000);
    }
    if (job.last_run) last.Add({{"name", proc.name}}, *job.last_run);
    if (job.next_run) next.Add({{"name", proc.name}}, *job.next_run);
  }
  for (Family* f : {&runs, &duration, &last, &next}) out->push_back(std::move(*f));
}

}  // namespace phpeek::metrics
