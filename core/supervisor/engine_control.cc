// Commands (start, stop, restart, scale), rolling restarts and the ordered shutdown.
#include <signal.h>

#include <algorithm>

#include "core/log/log.h"
#include "core/supervisor/engine.h"
#include "core/supervisor/job_runner.h"

namespace phpeek::supervisor {

using process::InstanceEvent;
using process::InstanceState;

namespace {

const char* OpName(ControlOp op) {
  switch (op) {
    case ControlOp::kStart:
      return "start";
    case ControlOp::kStop:
      return "stop";
    case ControlOp::kRestart:
      return "restart";
    case ControlOp::kScale:
      return "scale";
    case ControlOp::kReload:
      return "reload";
    case ControlOp::kSignal:
    case ControlOp::kSignalGroup:
      return "signal";
  }
  return "unknown";
}

// Instances are sorted by index.
std::vector<std::unique_ptr<Instance>>::iterator FirstAtOrAfter(Process& p, int index) {
  return std::lower_bound(p.instances.begin(), p.instances.end(), index,
                          [](const std::unique_ptr<Instance>& i, int n) { return i->index < n; });
}

Instance* FindInstance(Process& p, int index) {
  auto it = FirstAtOrAfter(p, index);
  return it != p.instances.end() && (*it)->index == index ? it->get() : nullptr;
}

}  // namespace

void Engine::OnCommands() {
  for (const Command& c : inbox_->Drain()) {
    if (c.job_op) {
      const JobReply r = shutting_down_
                             ? JobReply{ControlResult::kStopping, 0, "the daemon is shutting down"}
                             : jobs_->Apply(*c.job_op, c.process);
      // Published before the answer, so that the caller finds the run it was told about.
      if (dirty_) PublishStatus();
      if (c.reply) c.reply->Set(r);
    } else if (c.reload) {
      OnReload(c);
    } else if (c.shutdown) {
      BeginShutdown();
    } else if (shutting_down_) {
      log::Info("command ignored: shutting down", {{"op", OpName(c.op)}, {"process", c.process}});
    } else {
      ApplyCommand(c);
    }
  }
}

void Engine::ApplyCommand(const Command& c) {
  Process* p = FindProcess(c.process);
  if (!p) return;  // Submit validated the name; a reload may have removed it since
  log::Info("command", {{"op", OpName(c.op)}, {"process", c.process}, {"arg", c.arg}});
  if (jobs_->Has(c.process)) {  // Submit lets only start and stop through for a job
    if (c.op == ControlOp::kStart) jobs_->Start(c.process);
    if (c.op == ControlOp::kStop) jobs_->Stop(c.process);
    dirty_ = true;
    return;
  }
  switch (c.op) {
    case ControlOp::kStart:
      StartProcess(*p);
      RetryDependencies(*p);
      break;
    case ControlOp::kStop:
      StopProcess(*p);
      break;
    case ControlOp::kRestart:
      AfterConfigTest(*p, "restart", [this](Process& q) {
        RestartProcess(q);
        RetryDependencies(q);
      });
      break;
    case ControlOp::kScale:
      ScaleProcess(*p, c.arg);
      break;
    case ControlOp::kReload:
      AfterConfigTest(*p, "reload", [this](Process& q) { ReloadProcess(q); });
      break;
    case ControlOp::kSignal:
    case ControlOp::kSignalGroup:
      SignalProcess(*p, c.arg, c.op == ControlOp::kSignalGroup);
      break;
  }
  dirty_ = true;
}

Instance& Engine::AddInstance(Process& p, int index) {
  auto inst = std::make_unique<Instance>();
  inst->index = index;
  inst->id = p.spec->name + "-" + std::to_string(index);
  Instance& ref = *inst;
  AttachHealthCheck(p, ref);
  p.instances.insert(FirstAtOrAfter(p, index), std::move(inst));
  return ref;
}

void Engine::StartProcess(Process& p) {
  if (!p.spec->enabled) return;
  p.held = false;
  for (int i = 0; i < p.desired; ++i) {
    if (!FindInstance(p, i)) AddInstance(p, i);
  }
  for (auto& inst : p.instances) {
    if (inst->retire) continue;
    // A command clears the give-up count: the user asked for another try.
    if (!process::HasProcess(inst->state)) inst->consecutive_failures = 0;
    Apply(p, *inst, InstanceEvent::kStart);
  }
}

void Engine::StopProcess(Process& p) {
  p.held = true;
  p.rolling.clear();
  p.rolling_current = -1;
  for (auto& inst : p.instances) {
    inst->intentional = true;
    inst->restart_pending = false;
    Apply(p, *inst, InstanceEvent::kStop);
  }
}

// Rolling: one instance at a time, the next once the new one runs, so that a scaled service never
// drops to zero.
void Engine::RestartProcess(Process& p) {
  if (!p.spec->enabled) return;
  if (p.held) {
    StartProcess(p);
    return;
  }
  p.rolling.clear();
  for (auto& inst : p.instances) {
    if (!inst->retire) p.rolling.push_back(inst->index);
  }
  p.rolling_current = -1;
  AdvanceRolling(p);
}

void Engine::AdvanceRolling(Process& p) {
  while (true) {
    if (p.rolling_current >= 0) {
      Instance* cur = FindInstance(p, p.rolling_current);
      if (cur && !cur->retire) {
        const InstanceState s = cur->state;
        if (s == InstanceState::kFailed) {
          log::Warn("rolling restart halted: an instance failed",
                    {{"process", p.spec->name}, {"instance", cur->id}});
          p.rolling.clear();
          p.rolling_current = -1;
          return;
        }
        if (s == InstanceState::kStopping || s == InstanceState::kStarting ||
            s == InstanceState::kBackoff || cur->restart_pending) {
          return;  // still on its way back
        }
      }
      p.rolling_current = -1;
    }
    if (p.rolling.empty()) return;
    const int index = p.rolling.front();
    p.rolling.pop_front();
    Instance* inst = FindInstance(p, index);
    if (!inst || inst->retire) continue;
    p.rolling_current = index;
    if (process::HasProcess(inst->state)) {
      Apply(p, *inst, InstanceEvent::kStop);
      Apply(p, *inst, InstanceEvent::kStart);  // stopping + start = restart once it has exited
    } else {
      inst->consecutive_failures = 0;
      Apply(p, *inst, InstanceEvent::kStart);
    }
  }
}

void Engine::ScaleProcess(Process& p, int n) {
  const int from = p.desired;
  p.desired = n;
  log::Info("scaling process", {{"process", p.spec->name}, {"from", from}, {"to", n}});
  const bool run = !p.held && p.spec->enabled;
  for (int i = 0; i < n; ++i) {
    Instance* inst = FindInstance(p, i);
    if (!inst) {
      inst = &AddInstance(p, i);
    } else if (inst->retire) {
      inst->retire = false;  // scaled down and up again before it was gone
      --p.retiring;
    } else {
      continue;  // existing instances keep running untouched
    }
    if (run) Apply(p, *inst, InstanceEvent::kStart);
  }
  for (auto& inst : p.instances) {
    if (inst->index < n || inst->retire) continue;
    inst->retire = true;
    ++p.retiring;
    inst->intentional = true;
    inst->restart_pending = false;
    Apply(p, *inst, InstanceEvent::kStop);
  }
  RemoveRetired(p);
}

void Engine::RemoveRetired(Process& p) {
  if (p.retiring == 0) return;
  const size_t removed = std::erase_if(p.instances, [this](const std::unique_ptr<Instance>& i) {
    if (!i->retire || !process::IsAtRest(i->state)) return false;
    if (history_ != nullptr) history_->Retire(i->id);  // its last lines stay readable a while
    return true;
  });
  p.retiring -= static_cast<int>(removed);
  if (removed > 0) dirty_ = true;
}

void Engine::BeginShutdown() {
  if (shutting_down_) return;
  log::Info("shutting down", {{"timeout_ms", config_->global.shutdown_timeout.count()}});
  EnterShutdown();
  PublishDaemonEvent(EventType::kShuttingDown);
  EndHealthChecks();  // a process on its way down is not probed, nor restarted for a probe
  jobs_->BeginShutdown(shutdown_deadline_);
  for (auto* list : {&processes_, &removed_}) {
    for (auto& p : *list) {
      p->rolling.clear();
      p->rolling_current = -1;
      for (auto& inst : p->instances) {
        inst->intentional = true;
        inst->restart_pending = false;
        if (!process::HasProcess(inst->state)) Apply(*p, *inst, InstanceEvent::kStop);
      }
    }
  }
  StopReadyForShutdown();
}

// Reverse dependency order: a process is told to stop once nothing that depends on it is alive.
void Engine::StopReadyForShutdown() {
  if (stop_hooks_running_) return;  // the global pre-stop hooks come first
  for (auto& p : processes_) {
    if (p->stop_sent) continue;
    bool blocked = false;
    for (const auto* list : {&processes_, &removed_}) {  // a removed one may still depend on it
      for (const auto& q : *list) {
        const auto& deps = q->spec->depends_on;
        if (q != p && std::find(deps.begin(), deps.end(), p->spec->name) != deps.end() &&
            HasLiveInstance(*q)) {
          blocked = true;
          break;
        }
      }
    }
    if (blocked) continue;
    p->stop_sent = true;
    // Every group first, in one tight loop, so that the children are exiting (on the other cores)
    // while the loop does the bookkeeping; SignalStop then sends nothing twice.
    // (Not where pre_stop hooks come first: SignalStop runs them.)
    for (auto& inst : p->instances) {
      if (inst->state == InstanceState::kRunning && p->spec->hooks.pre_stop.empty()) {
        SendStopSignal(*p, *inst);
      }
    }
    for (auto& inst : p->instances) Apply(*p, *inst, InstanceEvent::kStop);
  }
}

// From here on every sweep of the leftovers is a SIGKILL, until no child is left (or, after
// kSweepGrace, the daemon gives up on the ones that SIGKILL cannot end).
void Engine::KillAll() {
  hooks_.KillAll();  // first: pre_stop hooks asked for below end at once
  for (auto* list : {&processes_, &removed_}) {
    for (auto& p : *list) {
      p->stop_sent = true;
      for (auto& inst : p->instances) {
        if (inst->state == InstanceState::kRunning) Apply(*p, *inst, InstanceEvent::kStop);
        if (inst->pid > 0) children_->Signal(-inst->pid, SIGKILL);
      }
    }
  }
  jobs_->KillAll();
  if (!killing_) {
    killing_ = true;
    loop_.AddTimer(Now() + kSweepGrace, [this] {
      std::string pids;
      for (pid_t pid : children_->List()) pids += (pids.empty() ? "" : ",") + std::to_string(pid);
      log::Error("processes survived SIGKILL; exiting without them", {{"pids", pids}});
      abandoned_ = true;
    });
  }
  SweepLeftovers();
}

bool Engine::HasLiveInstance(const Process& p) const {
  for (const auto& inst : p.instances) {
    if (process::HasProcess(inst->state)) return true;
  }
  return false;
}

}  // namespace phpeek::supervisor
