// Runs lifecycle hooks as children of the daemon without ever making the supervisor loop wait.
//
// A sequence is a list of hooks run one after the other (a lifecycle point's list); it stops at
// the first hook that fails without continue_on_error. Each hook is a child in its own process
// group (the spawner makes it a group leader), its output forwarded line by line with hook=<name>
// through the process's `logging` pipeline (a global hook: the default one) and, for a process
// hook, kept in its instance's ring of the history with "hook" and "hook_type" fields,
// its group SIGKILLed at the hook's timeout, retried `retry` times after `retry_delay`. Exits come
// from the engine's reaping (OnChildExit), timeouts and retry delays are timers on the loop: no
// call here blocks.
//
// Sequences are queued per lane (an instance's id, or "" for the global hooks): a lane runs one
// sequence at a time, in the order they were asked for, so an instance's post_stop never overtakes
// its pre_stop, and its next spawn (the engine asks Busy) waits for both.
//
// Files: hook_runner.cc (lanes, sequences, shutdown), hook_attempt.cc (one attempt: spawn,
// output, timeout, exit, retry), hook_job.cc (what a hook runs with).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/hooks/hook_job.h"
#include "core/process/children.h"
#include "core/process/spawner.h"
#include "core/supervisor/loop.h"
#include "core/supervisor/output_pipeline.h"

namespace phpeek::hooks {

class HookRunner {
 public:
  // `ok` is false when a hook failed without continue_on_error (then `failed` is its result) or
  // the sequence was cancelled.
  using SequenceDone = std::function<void(bool ok, const HookResult& failed)>;
  // Every hook's end, for the events and metrics.
  using FinishedFn = std::function<void(const HookResult&)>;

  // `history` (optional) keeps process hooks' output.
  HookRunner(process::Spawner* spawner, process::Children* children, supervisor::Loop* loop,
             process_logs::LogHistory* history = nullptr);
  ~HookRunner();
  HookRunner(const HookRunner&) = delete;
  HookRunner& operator=(const HookRunner&) = delete;

  void OnFinished(FinishedFn fn) { on_finished_ = std::move(fn); }

  // Queues `jobs` on `lane`; starts them at once when the lane is idle. An empty list completes
  // at once (ok), before Run returns.
  void Run(const std::string& lane, std::vector<HookJob> jobs, SequenceDone done);
  // Whether `lane` has a sequence running or queued.
  bool Busy(const std::string& lane) const;
  // Sequences running or queued, on every lane.
  size_t active() const { return sequences_.size(); }

  // The engine reaped `pid`: true when it was a hook's (its group then goes too).
  bool OnChildExit(pid_t pid, int status);
  bool Owns(pid_t pid) const { return by_pid_.count(pid) != 0; }

  // A shutdown began: start-side sequences run no further hook and no retry; a running one gets
  // SIGTERM (its timeout still applies), queued ones end at once as cancelled.
  void CancelStartSide();
  // The shutdown deadline: every hook group gets SIGKILL, nothing is retried or started again.
  void KillAll();

 private:
  struct Attempt;
  struct Sequence;

  // hook_runner.cc
  void StartNext(Sequence& s);
  void HookEnded(Sequence& s, const HookResult& result);
  void EndSequence(uint64_t id, bool ok, const HookResult& failed);
  void Cancel(Sequence& s, int signal);
  static HookResult NotRun(const HookJob& job);
  Sequence* Find(uint64_t id);

  // hook_attempt.cc
  void Spawn(Sequence& s);
  void WatchOutput(Sequence& s, const process::SpawnResult& r);
  void OnTimeout(uint64_t id);
  void OnExit(Sequence& s, int status);
  void AttemptFailed(Sequence& s, int exit_code, int signal, std::string error);
  void Finish(Sequence& s, HookOutcome outcome, std::string error);

  process::Spawner* spawner_;
  process::Children* children_;
  supervisor::Loop* loop_;
  process_logs::LogHistory* history_;
  FinishedFn on_finished_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Sequence>> sequences_;
  std::unordered_map<std::string, std::deque<uint64_t>> lanes_;  // front: the running sequence
  std::unordered_map<pid_t, uint64_t> by_pid_;                   // running hook -> its sequence
  bool start_side_closed_ = false;  // CancelStartSide was called: no new start-side sequence
  bool killed_ = false;             // KillAll was called: no new sequence at all
};

}  // namespace phpeek::hooks
