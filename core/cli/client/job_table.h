// The scheduled jobs of the API's process list (the processes with "type":"scheduled") as plain
// structs, their rendering as the `phpeek-pm jobs` table, and a run of a job's history, for
// `phpeek-pm trigger --wait`. The JSON is read with the SDK's reader, phpeek/json.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace phpeek::cli::client {

struct JobRow {
  std::string name;
  std::string schedule;
  std::string state;                // schedule_state: idle, executing, paused
  std::optional<int64_t> next_run;  // Unix seconds
  std::optional<int64_t> last_run;
  std::optional<int64_t> last_exit_code;
  int64_t run_count = 0;
};

// The jobs of {"processes":[...]}, in configuration order.
bool ParseJobs(const std::string& json, std::vector<JobRow>* out, std::string* err);

// NAME SCHEDULE STATE NEXT RUN LAST RUN LAST EXIT RUNS; times in the local zone with how far they
// are from `now` ("2026-12-07 02:00:00 (in 4h)").
std::string RenderJobTable(const std::vector<JobRow>& jobs, int64_t now);

// {"jobs":[{"name","schedule","schedule_state","next_run","last_run","last_exit_code",
// "run_count"}]}: the same rows for scripts.
std::string JobsJson(const std::vector<JobRow>& jobs);

struct RunRow {
  int64_t id = 0;
  std::string result;  // "" while active
  std::optional<int64_t> exit_code;
  std::optional<int64_t> signal;
  std::optional<int64_t> duration_ms;
};

// Run `id` of a history answer ({"name","runs":[...]}); false with `err` when the answer is not
// one, nullopt in `out` when the run is not in it.
bool FindRun(const std::string& json, int64_t id, std::optional<RunRow>* out, std::string* err);

// "2026-12-07 02:00:00" in the local zone.
std::string FormatLocalTime(int64_t unix_seconds);
// "in 4m", "3h ago", "now"; the largest whole unit (s, m, h, d).
std::string FormatRelative(int64_t unix_seconds, int64_t now);

}  // namespace phpeek::cli::client
