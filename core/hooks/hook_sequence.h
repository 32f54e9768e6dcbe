// The runner's bookkeeping of one sequence and of the attempt running in it. Private to
// core/hooks (hook_runner.cc, hook_attempt.cc).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/hooks/hook_runner.h"

namespace phpeek::hooks {

// The current hook of a sequence: its attempts so far and what is pending for it.
struct HookRunner::Attempt {
  int number = 0;                             // attempts started, the current one included
  supervisor::Clock::time_point first_start;  // of the hook's first attempt
  pid_t pid = 0;                              // while an attempt runs
  supervisor::Loop::TimerId timeout_timer = 0;
  supervisor::Loop::TimerId retry_timer = 0;
  bool timed_out = false;  // this attempt's group was killed at the timeout
  int exit_code = -1;      // of the last attempt that ended
  int signal = 0;
  // The running attempt's (heap-held: it must not move while watched; Attempt is reassigned).
  std::unique_ptr<supervisor::ChildOutput> output = std::make_unique<supervisor::ChildOutput>();
};

struct HookRunner::Sequence {
  uint64_t id = 0;
  std::string lane;
  std::vector<HookJob> jobs;  // one lifecycle point's hooks, in order
  size_t index = 0;           // the hook running now
  SequenceDone done;
  bool started = false;
  bool cancelled = false;  // no further hook, no retry
  Attempt attempt;

  const HookJob& job() const { return jobs[index]; }
  const config::Hook& hook() const { return *jobs[index].hook; }
};

}  // namespace phpeek::hooks
