// depends_on in the engine (lifecycle.md, "Dependencies"): an instance spawns once every
// dependency meets its condition. Until then its process waits, says so once and lists what it
// waits for; a dependency that can no longer meet it (given up, a oneshot that failed, stopped by
// hand, ended without restart) or a dependency_timeout that passed makes it blocked, logged and
// sent as an event once. Blocked is not final: a dependency that comes back lets it spawn, and a
// start of it starts its stopped or failed dependencies (systemd's Requires=). Nothing here stops
// or restarts a running dependent: a dependency's restart does not cascade.
#include "core/config/duration.h"
#include "core/log/log.h"
#include "core/supervisor/engine.h"
#include "core/supervisor/job_runner.h"
#include "core/text/join.h"

namespace phpeek::supervisor {

using config::DependencyCondition;
using process::InstanceState;

namespace {

// Dependencies are a short list; one start cannot reach further than this through them.
constexpr int kMaxDependencyDepth = 64;

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

// "'migrate' failed (exit code 1)", "'redis' failed (SIGKILL)", "'web' failed: cannot start: ...".
std::string FailedText(const Process& q, const Instance& inst) {
  const std::string name = Quoted(q.spec->name);
  if (!inst.reason.empty()) return name + " failed: " + inst.reason;
  if (inst.last_signal != 0) return name + " failed (" + SignalName(inst.last_signal) + ")";
  return name + " failed (exit code " + std::to_string(inst.last_exit_code) + ")";
}

}  // namespace

DependencyVerdict Engine::JudgeDependency(const Process& q, DependencyCondition c) const {
  if (!q.spec->enabled || jobs_->Has(q.spec->name)) return {};  // nothing to wait for
  const bool oneshot = q.spec->type == config::ProcessType::kOneshot;
  int total = 0, running = 0, ready = 0, healthy = 0, completed = 0, failed = 0;
  int ended_ok = 0, ended_bad = 0;  // ended by themselves, not restarted
  const Instance* failed_inst = nullptr;
  const Instance* ended_inst = nullptr;      // the last that ended by itself
  const Instance* ended_bad_inst = nullptr;  // the last that ended by itself with exit != 0
  for (const auto& inst : q.instances) {
    if (inst->retire) continue;
    ++total;
    switch (inst->state) {
      case InstanceState::kRunning:
        ++running;
        ready += InstanceReady(*inst);
        healthy += InstanceReady(*inst) &&
                   (!inst->health || inst->health->health() == health::Health::kHealthy);
        break;
      case InstanceState::kCompleted:
        ++completed;
        break;
      case InstanceState::kFailed:
        ++failed;
        failed_inst = inst.get();
        break;
      case InstanceState::kStopped:
        // Ended by itself and not restarted under its policy (a stop asked for is `held`).
        if (!inst->intentional && inst->spawns > 0) {
          ++(inst->last_exit_code == 0 ? ended_ok : ended_bad);
          ended_inst = inst.get();
          if (inst->last_exit_code != 0) ended_bad_inst = inst.get();
        }
        break;
      default:
        break;
    }
  }
  if (total == 0) return {};  // scaled to 0
  bool met = false;
  switch (c) {
    case DependencyCondition::kReady:
      met = oneshot ? completed == total : ready == total;
      break;
    case DependencyCondition::kHealthy:
      met = oneshot ? completed == total : healthy == total;
      break;
    case DependencyCondition::kStarted:
      met = running + completed == total;
      break;
    case DependencyCondition::kCompleted:
      met = completed + failed + ended_ok + ended_bad == total;
      break;
    case DependencyCondition::kCompletedSuccessfully:
      met = completed + ended_ok == total;
      break;
  }
  if (met) return {};
  const std::string name = Quoted(q.spec->name);
  if (q.held) return {DependencyVerdict::kBlocked, name + " is stopped"};
  if (c == DependencyCondition::kCompleted) return {DependencyVerdict::kWaiting, ""};
  if (failed_inst) return {DependencyVerdict::kBlocked, FailedText(q, *failed_inst)};
  const Instance* ended =
      c == DependencyCondition::kCompletedSuccessfully ? ended_bad_inst : ended_inst;
  if (ended) {
    return {DependencyVerdict::kBlocked,
            name + " ended (exit code " + std::to_string(ended->last_exit_code) +
                ") and is not restarted (restart: " + config::ToString(q.spec->restart) + ")"};
  }
  if (!q.blocked.empty() && q.starting > 0) {
    return {DependencyVerdict::kBlocked, name + " is blocked: " + q.blocked};
  }
  return {DependencyVerdict::kWaiting, ""};
}

// Judges every dependency of `p`: true when all are met (the wait, if any, ends). Else the wait
// begins or goes on, and the process is blocked when one cannot be met or its timeout passed.
bool Engine::DependenciesMet(Process& p) {
  const config::ProcessSpec& spec = *p.spec;
  std::vector<std::string> waiting_for;
  std::string blocked, blocked_by;
  for (size_t i = 0; i < spec.depends_on.size(); ++i) {
    const Process* q = FindProcess(spec.depends_on[i]);
    if (!q) continue;  // the loader refuses unknown names
    const DependencyCondition c = i < spec.depends_on_condition.size()
                                      ? spec.depends_on_condition[i]
                                      : DependencyCondition::kReady;
    const DependencyVerdict v = JudgeDependency(*q, c);
    if (v.kind == DependencyVerdict::kMet) continue;
    waiting_for.push_back(q->spec->name);
    if (v.kind == DependencyVerdict::kBlocked && blocked.empty()) {
      blocked = v.reason;
      blocked_by = q->spec->name;
    }
  }
  if (waiting_for.empty()) {
    EndWait(p);
    return true;
  }
  if (!p.waiting) BeginWait(p, waiting_for);
  if (blocked.empty() && p.dependency_timed_out) {
    blocked = "dependency_timeout (" + config::FormatDuration(*spec.dependency_timeout) +
              ") passed waiting for " + text::Join(waiting_for);
    blocked_by = waiting_for.front();
  }
  if (waiting_for != p.waiting_for) {
    p.waiting_for = std::move(waiting_for);
    dirty_ = true;
  }
  if (blocked != p.blocked) {
    const bool newly = p.blocked.empty();
    p.blocked = blocked;
    dirty_ = true;
    blocked_changed_ = true;
    if (newly) Block(p, blocked_by, blocked);
  }
  return false;
}

void Engine::BeginWait(Process& p, const std::vector<std::string>& waiting_for) {
  p.waiting = true;
  log::Info("waiting for dependencies",
            {{"process", p.spec->name}, {"waiting_for", text::Join(waiting_for)}});
  if (!p.spec->dependency_timeout) return;
  Process* process = &p;
  p.dependency_timer = loop_.AddTimer(Now() + *p.spec->dependency_timeout, [this, process] {
    process->dependency_timer = 0;
    process->dependency_timed_out = true;
    dirty_ = true;  // judged again in this turn's SpawnPending
  });
}

// Said once per wait: the log line (the reason names the dependency) and the plugin event.
void Engine::Block(Process& p, const std::string& dependency, const std::string& reason) {
  log::Warn("process blocked: a dependency cannot let it start",
            {{"process", p.spec->name},
             {"dependency", dependency},
             {"reason", reason},
             {"waiting_for", text::Join(p.waiting_for)}});
  Event e;
  e.type = EventType::kDependencyBlocked;
  e.process = p.spec->name;
  e.dependency = dependency;
  e.reason = reason;
  e.waiting = p.waiting_for;
  bus_->Publish(std::move(e));
}

void Engine::EndWait(Process& p) {
  if (!p.waiting && p.waiting_for.empty() && p.blocked.empty()) return;
  if (p.dependency_timer != 0) loop_.CancelTimer(p.dependency_timer);
  p.dependency_timer = 0;
  p.dependency_timed_out = false;
  p.waiting = false;
  p.waiting_for.clear();
  if (!p.blocked.empty()) blocked_changed_ = true;
  p.blocked.clear();
  dirty_ = true;
}

// A start (or restart) asked of `p`: its wait begins anew (timeout included), and what it would
// be blocked by is started.
void Engine::RetryDependencies(Process& p) {
  EndWait(p);
  StartDependencies(p);
}

// Starts each dependency of `p` that can no longer meet its condition by itself (stopped, failed,
// ended), and theirs in turn.
void Engine::StartDependencies(Process& p, int depth) {
  if (depth > kMaxDependencyDepth) return;
  const config::ProcessSpec& spec = *p.spec;
  for (size_t i = 0; i < spec.depends_on.size(); ++i) {
    Process* q = FindProcess(spec.depends_on[i]);
    if (!q || jobs_->Has(q->spec->name)) continue;
    const DependencyCondition c = i < spec.depends_on_condition.size()
                                      ? spec.depends_on_condition[i]
                                      : DependencyCondition::kReady;
    if (JudgeDependency(*q, c).kind != DependencyVerdict::kBlocked) continue;
    log::Info("starting dependency", {{"process", q->spec->name}, {"for", spec.name}});
    StartProcess(*q);
    EndWait(*q);
    StartDependencies(*q, depth + 1);
  }
}

// The API's view: what the waiting instances wait for, and whether they are blocked.
void Engine::FillDependencies(const Process& p, ProcessStatus* out) const {
  if (p.starting == 0 || jobs_->Has(p.spec->name)) return;
  out->waiting_for = p.waiting_for;
  if (p.blocked.empty()) return;
  out->reason = p.blocked;
  for (InstanceStatus& is : out->instances) {
    if (is.state != "starting" || is.pid != 0) continue;
    is.state = "blocked";
    is.reason = p.blocked;
  }
  if (out->state == "starting") out->state = "blocked";
}

}  // namespace phpeek::supervisor
