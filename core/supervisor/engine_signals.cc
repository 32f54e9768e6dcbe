// Signals a process asks for rather than its stop: a reload (its reload_signal, e.g. SIGUSR2 for
// php-fpm's graceful reload), a signal sent through the API, and the daemon's own signals that a
// process lists in forward_signals. Each goes to an instance's main process (the group leader)
// unless the group is asked for; an instance without a live process is skipped.
#include <signal.h>

#include <algorithm>

#include "core/health/checker.h"
#include "core/log/log.h"
#include "core/process/signal_name.h"
#include "core/supervisor/engine.h"

namespace phpeek::supervisor {

using process::InstanceState;

namespace {

// Spawned and not yet told to stop: the instance's program may take a signal.
bool TakesSignals(const Instance& inst) {
  return inst.pid > 0 &&
         (inst.state == InstanceState::kStarting || inst.state == InstanceState::kRunning);
}

}  // namespace

// Only running instances: a starting one may not have installed its handler yet (php-fpm dies of
// SIGUSR2 before it has), and it reads the current configuration anyway.
void Engine::ReloadProcess(Process& p) {
  const int sig = p.spec->reload_signal.value_or(0);
  if (sig == 0) return;  // Submit refused it; a reload of the configuration may have removed it
  int sent = 0;
  for (const auto& inst : p.instances) {
    if (inst->state != InstanceState::kRunning || inst->pid <= 0) continue;
    if (!children_->Signal(inst->pid, sig)) continue;
    ++inst->reloads;
    ++sent;
    if (inst->health && health::IsReadiness(inst->health->spec().mode)) inst->health->Recheck();
    dirty_ = true;
  }
  log::Info("process reload", {{"process", p.spec->name},
                               {"signal", process::SignalName(sig)},
                               {"instances", static_cast<int64_t>(sent)}});
}

void Engine::SignalProcess(Process& p, int sig, bool group) {
  int sent = 0;
  for (const auto& inst : p.instances) {
    if (TakesSignals(*inst) && children_->Signal(group ? -inst->pid : inst->pid, sig)) ++sent;
  }
  log::Info("signal sent", {{"process", p.spec->name},
                            {"signal", process::SignalName(sig)},
                            {"target", group ? "group" : "leader"},
                            {"instances", static_cast<int64_t>(sent)}});
}

// False when no process forwards `sig`: the caller logs it as ignored.
bool Engine::ForwardSignal(int sig) {
  bool wanted = false;
  for (auto& p : processes_) {
    const std::vector<int>& forward = p->spec->forward_signals;
    if (std::find(forward.begin(), forward.end(), sig) == forward.end()) continue;
    wanted = true;
    for (const auto& inst : p->instances) {
      if (TakesSignals(*inst)) children_->Signal(inst->pid, sig);
    }
  }
  if (wanted) log::Debug("signal forwarded", {{"signal", process::SignalName(sig)}});
  return wanted;
}

}  // namespace phpeek::supervisor
