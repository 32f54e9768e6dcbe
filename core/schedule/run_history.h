// The runs of one scheduled job: what a run record holds (../shared/spec/lifecycle.md, "History
// per job") and the bounded ring of finished runs, `global.schedule_history_size` long (default
// 100). ScheduledJob (scheduled_job.h) fills it; job_json.h renders it for the API.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace phpeek::schedule {

using WallTime = std::chrono::system_clock::time_point;

enum class RunTrigger { kSchedule, kManual };
enum class RunResult { kSuccess, kFailure, kTimeout, kSkipped };
constexpr size_t kRunResultCount = 4;

const char* ToString(RunTrigger trigger);  // "schedule", "manual"
const char* ToString(RunResult result);    // "success", "failure", "timeout", "skipped"

struct RunRecord {
  int64_t id = 0;  // 1, 2, ... per job, skipped ticks included
  RunTrigger trigger = RunTrigger::kSchedule;
  WallTime started_at;
  // The rest is unset while the run is active; a skipped tick has all of it but the exit.
  std::optional<WallTime> finished_at;
  std::optional<int64_t> duration_ms;
  std::optional<int> exit_code;  // unset when killed by a signal or never started
  std::optional<int> signal;
  std::optional<RunResult> result;
};

constexpr size_t kDefaultHistorySize = 100;

class RunHistory {
 public:
  explicit RunHistory(size_t capacity = kDefaultHistorySize);

  // Appends a finished run; the oldest goes once the ring is full.
  void Add(RunRecord run);
  // A smaller capacity drops the oldest runs at once (a reload lowered the size).
  void SetCapacity(size_t capacity);

  size_t size() const { return runs_.size(); }
  size_t capacity() const { return capacity_; }
  // Newest first (the ring is in finishing order; this is by id); at most `limit`, 0 = all.
  std::vector<RunRecord> Newest(size_t limit) const;
  const RunRecord* Find(int64_t id) const;  // nullptr when not kept

 private:
  std::deque<RunRecord> runs_;
  size_t capacity_;
};

}  // namespace phpeek::schedule
