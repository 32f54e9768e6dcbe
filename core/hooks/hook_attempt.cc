// One attempt of a hook: spawn it in its own group, forward its output, kill the group at the
// timeout, judge its exit, retry or finish.
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <utility>

#include "core/config/duration.h"
#include "core/hooks/hook_runner.h"
#include "core/hooks/hook_sequence.h"
#include "core/log/log.h"
#include "core/process/signal_name.h"

namespace phpeek::hooks {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// Every hook line names the hook and its point; a process hook also its process and instance, as
// that instance's own output lines do.
template <typename... More>
void Write(log::Level level, std::string_view msg, const HookJob& job, More&&... more) {
  if (job.process.empty()) {
    log::Write(level, msg,
               {log::Field("hook", job.hook->name), log::Field("hook_type", ToString(job.point)),
                std::forward<More>(more)...});
  } else {
    log::Write(level, msg,
               {log::Field("hook", job.hook->name), log::Field("hook_type", ToString(job.point)),
                log::Field("process", job.process), log::Field("instance", job.instance),
                std::forward<More>(more)...});
  }
}

}  // namespace

void HookRunner::Spawn(Sequence& s) {
  Attempt& a = s.attempt;
  const HookJob& job = s.job();
  ++a.number;
  a.timed_out = false;
  const process::SpawnResult r = spawner_->Spawn(job.request);
  if (r.pid <= 0) {
    // The shell's conventions: 127 not found, 126 found but not executable.
    AttemptFailed(s, r.error == ENOENT ? 127 : 126, 0, "cannot start: " + r.error_text);
    return;
  }
  a.pid = r.pid;
  by_pid_[r.pid] = s.id;
  WatchOutput(s, r);
  Write(log::Level::kInfo, "hook started", job, log::Field("pid", r.pid),
        log::Field("attempt", a.number));
  const uint64_t id = s.id;
  a.timeout_timer =
      loop_->AddTimer(loop_->time().Now() + s.hook().timeout, [this, id] { OnTimeout(id); });
}

// The fields of its log lines as Write gives them; a process hook's lines are also kept in its
// instance's ring, where the ring names the process and instance and the tags name the hook.
void HookRunner::WatchOutput(Sequence& s, const process::SpawnResult& r) {
  const HookJob& job = s.job();
  supervisor::ChildOutput::Source source{
      job.log_pipeline,
      {log::Field("hook", job.hook->name), log::Field("hook_type", ToString(job.point))},
      {}};
  if (!job.process.empty()) {
    source.fields.emplace_back("process", job.process);
    source.fields.emplace_back("instance", job.instance);
    if (history_ != nullptr) {
      source.history = {
          history_,
          history_->Register(job.process, job.instance),
          {{"hook", job.hook->name, false}, {"hook_type", ToString(job.point), false}}};
    }
  }
  s.attempt.output->Watch(*loop_, r.stdout_fd, r.stderr_fd, source);
}

void HookRunner::OnTimeout(uint64_t id) {
  Sequence* s = Find(id);
  if (s == nullptr || s->attempt.pid <= 0) return;
  Attempt& a = s->attempt;
  a.timeout_timer = 0;
  a.timed_out = true;
  Write(log::Level::kWarn, "hook timed out; killing its process group", s->job(),
        log::Field("pid", a.pid),
        log::Field("timeout_ms", static_cast<int64_t>(s->hook().timeout.count())));
  children_->Signal(-a.pid, SIGKILL);
}

void HookRunner::OnExit(Sequence& s, int status) {
  Attempt& a = s.attempt;
  // Whatever is left of its group goes with it, as with an instance.
  children_->Signal(-a.pid, SIGKILL);
  a.pid = 0;
  loop_->CancelTimer(a.timeout_timer);
  a.timeout_timer = 0;
  a.output->Close();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !a.timed_out) {
    Finish(s, HookOutcome::kSuccess, "");
  } else if (a.timed_out) {
    AttemptFailed(s, -1, SIGKILL, "timed out after " + config::FormatDuration(s.hook().timeout));
  } else if (WIFSIGNALED(status)) {
    AttemptFailed(s, -1, WTERMSIG(status), "killed by " + process::SignalName(WTERMSIG(status)));
  } else {
    AttemptFailed(s, WEXITSTATUS(status), 0, "exit code " + std::to_string(WEXITSTATUS(status)));
  }
}

void HookRunner::AttemptFailed(Sequence& s, int exit_code, int signal, std::string error) {
  Attempt& a = s.attempt;
  a.exit_code = exit_code;
  a.signal = signal;
  const HookOutcome outcome = s.cancelled   ? HookOutcome::kCancelled
                              : a.timed_out ? HookOutcome::kTimeout
                                            : HookOutcome::kFailure;
  if (s.cancelled || a.number > s.hook().retry) {
    Finish(s, outcome, std::move(error));
    return;
  }
  const milliseconds delay = s.hook().retry_delay;
  Write(log::Level::kWarn, "hook failed; retrying", s.job(), log::Field("attempt", a.number),
        log::Field("error", error), log::Field("delay_ms", static_cast<int64_t>(delay.count())));
  const uint64_t id = s.id;
  a.retry_timer = loop_->AddTimer(loop_->time().Now() + delay, [this, id] {
    Sequence* seq = Find(id);
    if (seq == nullptr) return;
    seq->attempt.retry_timer = 0;
    Spawn(*seq);
  });
}

void HookRunner::Finish(Sequence& s, HookOutcome outcome, std::string error) {
  const Attempt& a = s.attempt;
  HookResult r;
  r.name = s.hook().name;
  r.point = s.job().point;
  r.process = s.job().process;
  r.instance = s.job().instance;
  r.outcome = outcome;
  r.exit_code = outcome == HookOutcome::kSuccess ? 0 : a.exit_code;
  r.signal = outcome == HookOutcome::kSuccess ? 0 : a.signal;
  r.attempts = a.number;
  r.duration = duration_cast<milliseconds>(loop_->time().Now() - a.first_start);
  r.continue_on_error = s.hook().continue_on_error;
  r.error = std::move(error);
  const log::Level level = r.ok() ? log::Level::kInfo
                           : r.continue_on_error || outcome == HookOutcome::kCancelled
                               ? log::Level::kWarn
                               : log::Level::kError;
  if (r.ok()) {
    Write(level, "hook finished", s.job(), log::Field("result", ToString(outcome)),
          log::Field("duration_ms", static_cast<int64_t>(r.duration.count())),
          log::Field("attempts", r.attempts));
  } else {
    Write(level, "hook finished", s.job(), log::Field("result", ToString(outcome)),
          log::Field("duration_ms", static_cast<int64_t>(r.duration.count())),
          log::Field("attempts", r.attempts), log::Field("error", r.error),
          log::Field("continue_on_error", r.continue_on_error ? "true" : "false"));
  }
  if (on_finished_) on_finished_(r);
  HookEnded(s, r);
}

}  // namespace phpeek::hooks
