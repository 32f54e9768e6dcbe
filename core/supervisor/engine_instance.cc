// One instance's life: table-driven transitions, spawning, exits, timers and output forwarding.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "core/log/log.h"
#include "core/supervisor/engine.h"

namespace phpeek::supervisor {

using process::InstanceAction;
using process::InstanceEvent;
using process::InstanceState;

void Engine::Apply(Process& p, Instance& inst, InstanceEvent event) {
  const auto t = process::Lookup(inst.state, event);
  if (!t) {
    log::Debug("event ignored", {{"instance", inst.id},
                                 {"state", process::ToString(inst.state)},
                                 {"event", process::ToString(event)}});
    return;
  }
  if (event == InstanceEvent::kStart) inst.intentional = false;
  const InstanceState old = inst.state;
  if (t->next != old) {
    const char* old_word = StateWord(inst);
    LeaveState(inst, t->next);
    inst.state = t->next;
    FollowRun(inst, old);
    p.starting += (t->next == InstanceState::kStarting) - (old == InstanceState::kStarting);
    dirty_ = true;
    PublishInstanceState(p, inst, old_word);
  }
  Perform(p, inst, t->action);
}

// Timers belong to one state; leaving it cancels them.
void Engine::LeaveState(Instance& inst, InstanceState next) {
  if (inst.state == InstanceState::kBackoff && next != InstanceState::kBackoff) {
    loop_.CancelTimer(inst.backoff_timer);
    inst.backoff_timer = 0;
  }
  if (inst.state == InstanceState::kStopping && next != InstanceState::kStopping) {
    loop_.CancelTimer(inst.kill_timer);
    inst.kill_timer = 0;
  }
}

void Engine::Perform(Process& p, Instance& inst, InstanceAction action) {
  switch (action) {
    case InstanceAction::kNone:
      break;
    case InstanceAction::kSpawn:
      break;  // SpawnPending picks it up once its dependencies are met
    case InstanceAction::kArmBackoff:
      inst.backoff_timer = loop_.AddTimer(Now() + inst.backoff_delay, [this, &p, &inst] {
        inst.backoff_timer = 0;
        Apply(p, inst, InstanceEvent::kBackoffDone);
      });
      break;
    case InstanceAction::kSignalStop:
      SignalStop(p, inst);
      break;
    case InstanceAction::kKill:
      log::Warn("process did not stop in time; sending SIGKILL to its group",
                {{"process", p.spec->name}, {"instance", inst.id}, {"pid", inst.pid}});
      if (inst.pid > 0) children_->Signal(-inst.pid, SIGKILL);
      break;
    case InstanceAction::kMarkRestart:
      inst.restart_pending = true;
      break;
  }
}

void Engine::SpawnPending() {
  spawn_backlog_ = false;
  if (shutting_down_ || boot_hooks_running_) return;
  // Bounded per turn so that signals and commands are seen during a big scale-up. A spawn can
  // make a dependent ready (one listed earlier in the file, too), and a process that becomes
  // blocked blocks its dependents, hence passes until none changes anything (bounded: a cycle is
  // refused at load).
  int budget = 64;
  bool progress = true;
  for (int pass = 0; progress && pass < 64; ++pass) {
    progress = false;
    blocked_changed_ = false;
    for (auto& p : processes_) {
      if (p->starting == 0) {
        EndWait(*p);  // stopped while it waited
        continue;
      }
      int deps = -1;  // unknown until an instance needs it
      for (auto& inst : p->instances) {
        if (inst->state != InstanceState::kStarting || inst->pid != 0) continue;
        if (deps < 0) deps = DependenciesMet(*p) ? 1 : 0;
        if (deps == 0) break;
        if (HoldSpawnForHooks(*p, *inst)) continue;
        if (budget-- == 0) {
          spawn_backlog_ = true;
          return;
        }
        Spawn(*p, *inst);
        progress = progress || inst->pid > 0;  // a failed spawn makes nothing ready
      }
    }
    progress = progress || blocked_changed_;
  }
}

void Engine::Spawn(Process& p, Instance& inst) {
  const config::ProcessSpec& spec = *p.spec;
  p.request.extra_env = {"PHPEEK_PM_INSTANCE_ID=" + inst.id,
                         "PHPEEK_PM_INSTANCE_INDEX=" + std::to_string(inst.index)};
  process::SpawnResult r;
  if (HoldListenSockets(p, &r)) {
    if (!p.listen.empty()) p.request.extra_env.push_back("FPM_SOCKETS=" + p.listen.FpmSockets());
    // Only for this spawn: exec checks and hooks start from a copy of the request, and they get
    // no sockets.
    p.request.pass_fds = p.listen.fds();
    r = tracking_spawner_.Spawn(p.request);
    p.request.pass_fds.clear();
  }
  inst.pre_start_passed = false;  // each spawn has its own pre_start run
  if (++inst.spawns > 1) ++inst.restart_count;
  inst.started_at = UnixMillisNow() / 1000;
  inst.spawned_at = Now();
  dirty_ = true;
  if (r.pid <= 0) {
    OnSpawnFailed(p, inst, r);
    return;
  }
  inst.pid = r.pid;
  inst.reason.clear();
  by_pid_[r.pid] = Owner{&p, &inst};
  WatchOutput(p, inst, r);
  log::Info("process spawned", {{"process", spec.name}, {"instance", inst.id}, {"pid", r.pid}});
  Event e;
  e.type = EventType::kSpawned;
  e.process = spec.name;
  e.instance = inst.id;
  e.pid = r.pid;
  bus_->Publish(std::move(e));
  Apply(p, inst, InstanceEvent::kSpawned);
  RunPostStartHooks(p, inst);
}

// The sockets of `listen:` open (or changed by a reload) before a spawn, and in the request. A
// socket that cannot be opened (the port is taken) fails the spawn, with the address and why.
bool Engine::HoldListenSockets(Process& p, process::SpawnResult* failure) {
  if (p.spec->listen.empty() && p.listen.empty()) return true;
  const bool opening = p.listen.empty();
  std::string err;
  if (!p.listen.Sync(p.spec->listen, &err)) {
    failure->error = EADDRNOTAVAIL;
    failure->error_text = err;
    return false;
  }
  if (opening && !p.listen.empty()) {
    std::string addresses;
    for (const auto& a : p.spec->listen) addresses += (addresses.empty() ? "" : ",") + a.Text();
    log::Info("holding listening sockets", {{"process", p.spec->name}, {"listen", addresses}});
  }
  return true;
}

// Once no run of the process is up or on its way (stopped, failed, scaled to 0, shut down), its
// sockets close: a connection is then refused at once instead of waiting for a run that will not
// come. Between runs of a restart (or a backoff) they stay open and hold what arrives.
void Engine::ReleaseListenSockets(Process& p) {
  if (p.listen.empty()) return;
  for (const auto& inst : p.instances) {
    if (!process::IsAtRest(inst->state)) return;
  }
  p.listen.Close();
  log::Info("listening sockets closed", {{"process", p.spec->name}});
}

void Engine::OnSpawnFailed(Process& p, Instance& inst, const process::SpawnResult& r) {
  log::Error("cannot start process",
             {{"process", p.spec->name}, {"instance", inst.id}, {"error", r.error_text}});
  // The shell's conventions: 127 not found, 126 found but not executable.
  inst.last_exit_code = r.error == ENOENT ? 127 : 126;
  inst.reason = "cannot start: " + r.error_text;
  inst.last_signal = 0;
  JudgeExit(p, inst, false, process::Millis(0), "spawn_failed");
}

void Engine::OnExit(Process& p, Instance& inst, int status) {
  const pid_t pid = inst.pid;
  by_pid_.erase(pid);
  // Whatever is left of its process group goes with it: nothing is left behind.
  children_->Signal(-pid, SIGKILL);
  inst.output.Close();
  inst.pid = 0;
  inst.suspended = false;
  dirty_ = true;
  const auto uptime = std::chrono::duration_cast<process::Millis>(Now() - inst.spawned_at);
  Event e;
  e.type = EventType::kExited;
  e.process = p.spec->name;
  e.instance = inst.id;
  e.pid = pid;
  if (inst.health_restart) e.ended_by = "health_check";
  if (WIFSIGNALED(status)) {
    inst.last_exit_code = -1;
    inst.last_signal = WTERMSIG(status);
    log::Info("process exited", {{"process", p.spec->name},
                                 {"instance", inst.id},
                                 {"pid", pid},
                                 {"signal", SignalName(inst.last_signal)},
                                 {"uptime_ms", uptime.count()}});
  } else {
    inst.last_exit_code = WEXITSTATUS(status);
    inst.last_signal = 0;
    log::Info("process exited", {{"process", p.spec->name},
                                 {"instance", inst.id},
                                 {"pid", pid},
                                 {"exit_code", inst.last_exit_code},
                                 {"uptime_ms", uptime.count()}});
  }
  e.exit_code = inst.last_exit_code;
  e.signal = inst.last_signal;
  bus_->Publish(std::move(e));
  RunPostStopHooks(p, inst);  // queued on the instance's lane: a restart's spawn waits for it
  if (inst.health_restart && EndHealthRestart(p, inst, uptime)) return;
  if (inst.state == InstanceState::kStopping || shutting_down_) {
    Apply(p, inst, InstanceEvent::kExitEnded);  // intentional: never a restart
    const bool again = inst.restart_pending && !shutting_down_ && !inst.retire;
    inst.restart_pending = false;
    if (again) Apply(p, inst, InstanceEvent::kStart);
    return;
  }
  const bool success = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  JudgeExit(p, inst, success, uptime,
            success               ? "normal_exit"
            : WIFSIGNALED(status) ? "signal"
                                  : "exit_code");
}

// `reason` says how the run ended, for the log: normal_exit, exit_code, signal or spawn_failed.
void Engine::JudgeExit(Process& p, Instance& inst, bool success, process::Millis uptime,
                       const char* reason) {
  const process::RestartDecision d = process::DecideAfterExit(
      p.restart, p.spec->restart, p.spec->type, {success, uptime, inst.consecutive_failures});
  inst.consecutive_failures = d.consecutive_failures;
  const std::string& name = p.spec->name;
  switch (d.outcome) {
    case process::ExitOutcome::kRestart:
      if (d.delay.count() == 0) {
        log::Info("restarting process", {{"process", name},
                                         {"instance", inst.id},
                                         {"reason", reason},
                                         {"uptime_ms", uptime.count()}});
        Apply(p, inst, ExitEvent(inst, InstanceEvent::kExitRestart));
      } else {
        inst.backoff_delay = d.delay;
        log::Warn("restart scheduled", {{"process", name},
                                        {"instance", inst.id},
                                        {"reason", reason},
                                        {"delay_ms", d.delay.count()},
                                        {"consecutive_failures", d.consecutive_failures}});
        Apply(p, inst, ExitEvent(inst, InstanceEvent::kExitBackoff));
      }
      break;
    case process::ExitOutcome::kFailed:
      log::Error("process failed; giving up", {{"process", name},
                                               {"instance", inst.id},
                                               {"consecutive_failures", d.consecutive_failures},
                                               {"restart_count", inst.restart_count}});
      Apply(p, inst, ExitEvent(inst, InstanceEvent::kExitFailed));
      if (p.spec->critical) FailFast(p, inst);
      break;
    case process::ExitOutcome::kCompleted:
      log::Info("process completed", {{"process", name}, {"instance", inst.id}});
      Apply(p, inst, InstanceEvent::kExitCompleted);
      break;
    case process::ExitOutcome::kEndedWell:
      log::Info("process ended; not restarted by its policy",
                {{"process", name}, {"instance", inst.id}});
      Apply(p, inst, InstanceEvent::kExitEnded);
      break;
  }
}

void Engine::SetSuspended(Process& p, Instance& inst, bool suspended) {
  const char* old_word = StateWord(inst);
  inst.suspended = suspended;
  const char* new_word = StateWord(inst);
  if (std::string_view(old_word) == new_word) return;
  (suspended ? log::Warn : log::Info)(
      suspended ? "process suspended" : "process resumed",
      {{"process", p.spec->name}, {"instance", inst.id}, {"pid", inst.pid}});
  dirty_ = true;
  PublishInstanceState(p, inst, old_word);
}

// The stop signal to the whole group, then SIGCONT: a stopped (SIGSTOP, SIGTSTP) member would
// otherwise hold the signal pending until the kill timeout.
void Engine::SendStopSignal(Process& p, Instance& inst) {
  if (inst.pid <= 0) return;
  children_->Signal(-inst.pid, p.spec->shutdown.signal);
  children_->Signal(-inst.pid, SIGCONT);
  inst.stop_signalled = true;
}

void Engine::SignalStop(Process& p, Instance& inst) {
  if (!inst.stop_signalled && RunPreStopHooks(p, inst)) return;  // they call SignalStopNow
  SignalStopNow(p, inst);
}

void Engine::SignalStopNow(Process& p, Instance& inst) {
  const int sig = p.spec->shutdown.signal;
  if (!inst.stop_signalled) SendStopSignal(p, inst);
  inst.stop_signalled = false;
  log::Info("stopping process", {{"process", p.spec->name},
                                 {"instance", inst.id},
                                 {"pid", inst.pid},
                                 {"signal", SignalName(sig)}});
  auto deadline = Now() + p.spec->shutdown.timeout;
  if (shutting_down_ && deadline > shutdown_deadline_) deadline = shutdown_deadline_;
  inst.kill_timer = loop_.AddTimer(deadline, [this, &p, &inst] {
    inst.kill_timer = 0;
    Apply(p, inst, InstanceEvent::kStopTimeout);
  });
}

// The instance's ring in the history is the same across its restarts: a crash's last lines stay
// readable next to the new run's.
void Engine::WatchOutput(Process& p, Instance& inst, const process::SpawnResult& r) {
  ChildOutput::Source source{
      p.log_pipeline, {{"process", p.spec->name}, {"instance", inst.id}}, {}};
  if (history_ != nullptr) {
    source.history = {history_, history_->Register(p.spec->name, inst.id), {}};
  }
  inst.output.Watch(loop_, r.stdout_fd, r.stderr_fd, source);
}

}  // namespace phpeek::supervisor
