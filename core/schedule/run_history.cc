// The run record's names and the bounded ring of finished runs; ScheduledJob fills it.
#include "core/schedule/run_history.h"

#include <algorithm>

namespace phpeek::schedule {

const char* ToString(RunTrigger trigger) {
  return trigger == RunTrigger::kManual ? "manual" : "schedule";
}

const char* ToString(RunResult result) {
  switch (result) {
    case RunResult::kSuccess:
      return "success";
    case RunResult::kFailure:
      return "failure";
    case RunResult::kTimeout:
      return "timeout";
    case RunResult::kSkipped:
      return "skipped";
  }
  return "failure";
}

RunHistory::RunHistory(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

void RunHistory::Add(RunRecord run) {
  runs_.push_back(std::move(run));
  while (runs_.size() > capacity_) runs_.pop_front();
}

void RunHistory::SetCapacity(size_t capacity) {
  capacity_ = std::max<size_t>(capacity, 1);
  while (runs_.size() > capacity_) runs_.pop_front();
}

std::vector<RunRecord> RunHistory::Newest(size_t limit) const {
  std::vector<RunRecord> out(runs_.begin(), runs_.end());
  std::sort(out.begin(), out.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.id > b.id; });
  if (limit != 0 && out.size() > limit) out.resize(limit);
  return out;
}

const RunRecord* RunHistory::Find(int64_t id) const {
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
    if (it->id == id) return &*it;
  }
  return nullptr;
}

}  // namespace phpeek::schedule
