// Lanes and sequences: what runs next, what a hook's end means for its sequence, and how a
// shutdown cuts them short.
#include "core/hooks/hook_runner.h"

#include <signal.h>

#include <algorithm>

#include "core/hooks/hook_sequence.h"

namespace phpeek::hooks {

HookRunner::HookRunner(process::Spawner* spawner, process::Children* children,
                       supervisor::Loop* loop, process_logs::LogHistory* history)
    : spawner_(spawner), children_(children), loop_(loop), history_(history) {}

// The loop outlives the runner (the engine declares it first); children still running are the
// engine's to kill and reap.
HookRunner::~HookRunner() {
  for (auto& [id, s] : sequences_) {
    loop_->CancelTimer(s->attempt.timeout_timer);
    loop_->CancelTimer(s->attempt.retry_timer);
    s->attempt.output->Close();
  }
}

void HookRunner::Run(const std::string& lane, std::vector<HookJob> jobs, SequenceDone done) {
  if (jobs.empty()) {
    done(true, HookResult{});
    return;
  }
  const bool start_side = IsStartSide(jobs.front().point);
  if (killed_ || (start_side && start_side_closed_)) {
    done(false, NotRun(jobs.front()));
    return;
  }
  auto s = std::make_unique<Sequence>();
  s->id = next_id_++;
  s->lane = lane;
  s->jobs = std::move(jobs);
  s->done = std::move(done);
  Sequence& ref = *s;
  sequences_.emplace(ref.id, std::move(s));
  std::deque<uint64_t>& queue = lanes_[lane];
  queue.push_back(ref.id);
  if (queue.size() == 1) StartNext(ref);
}

bool HookRunner::Busy(const std::string& lane) const { return lanes_.count(lane) != 0; }

bool HookRunner::OnChildExit(pid_t pid, int status) {
  const auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) return false;
  const uint64_t id = it->second;
  by_pid_.erase(it);
  if (Sequence* s = Find(id)) OnExit(*s, status);
  return true;
}

void HookRunner::StartNext(Sequence& s) {
  s.started = true;
  s.attempt = Attempt{};
  s.attempt.first_start = loop_->time().Now();
  Spawn(s);
}

// A hook is over (all its attempts): the sequence goes on with the next one unless it failed
// without continue_on_error or the sequence was cancelled.
void HookRunner::HookEnded(Sequence& s, const HookResult& result) {
  const bool go_on = !s.cancelled && (result.ok() || result.continue_on_error);
  if (!go_on) {
    EndSequence(s.id, false, result);
    return;
  }
  if (++s.index < s.jobs.size()) {
    StartNext(s);
  } else {
    EndSequence(s.id, true, HookResult{});
  }
}

// The sequence leaves its lane before its callback runs, so that the callback may queue more on
// the same lane; the lane's next sequence starts after it (unless the callback's was started).
void HookRunner::EndSequence(uint64_t id, bool ok, const HookResult& failed) {
  const auto it = sequences_.find(id);
  if (it == sequences_.end()) return;
  std::unique_ptr<Sequence> s = std::move(it->second);
  sequences_.erase(it);
  const std::string lane = s->lane;
  auto& queue = lanes_[lane];
  queue.erase(std::remove(queue.begin(), queue.end(), id), queue.end());
  if (queue.empty()) lanes_.erase(lane);
  s->done(ok, failed);
  const auto next = lanes_.find(lane);
  if (next == lanes_.end()) return;
  Sequence* front = Find(next->second.front());
  if (front != nullptr && !front->started) StartNext(*front);
}

void HookRunner::CancelStartSide() {
  start_side_closed_ = true;
  std::vector<uint64_t> ids;
  for (const auto& [id, s] : sequences_) {
    if (IsStartSide(s->jobs.front().point)) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());  // oldest first: lanes keep their order
  for (uint64_t id : ids) {
    if (Sequence* s = Find(id)) Cancel(*s, SIGTERM);
  }
}

void HookRunner::KillAll() {
  killed_ = true;
  std::vector<uint64_t> ids;
  for (const auto& [id, s] : sequences_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (uint64_t id : ids) {
    if (Sequence* s = Find(id)) Cancel(*s, SIGKILL);
  }
}

// A running attempt gets `signal` (and SIGCONT, should it be stopped) and ends through its exit;
// one waiting to retry, or a sequence not started yet, ends now.
void HookRunner::Cancel(Sequence& s, int signal) {
  s.cancelled = true;
  Attempt& a = s.attempt;
  if (a.pid > 0) {
    children_->Signal(-a.pid, signal);
    children_->Signal(-a.pid, SIGCONT);
    return;
  }
  if (a.retry_timer != 0) {
    loop_->CancelTimer(a.retry_timer);
    a.retry_timer = 0;
    Finish(s, HookOutcome::kCancelled, "cancelled before its retry: the daemon is shutting down");
    return;
  }
  if (!s.started) EndSequence(s.id, false, NotRun(s.job()));
}

HookResult HookRunner::NotRun(const HookJob& job) {
  HookResult r;
  r.name = job.hook->name;
  r.point = job.point;
  r.process = job.process;
  r.instance = job.instance;
  r.outcome = HookOutcome::kCancelled;
  r.error = "not run: the daemon is shutting down";
  return r;
}

HookRunner::Sequence* HookRunner::Find(uint64_t id) {
  const auto it = sequences_.find(id);
  return it == sequences_.end() ? nullptr : it->second.get();
}

}  // namespace phpeek::hooks
