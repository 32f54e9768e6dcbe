// Health checks in the engine's terms: each instance's checker follows its runs, a failing liveness
// check stops the instance like any stop and judges the end like an exit (reason health_check),
// readiness is published with every snapshot, and a critical process that is given up shuts the
// daemon down. The probes themselves (sockets, exec children, timers) are core/health's.
#include <signal.h>

#include "core/health/readiness.h"
#include "core/log/log.h"
#include "core/supervisor/engine.h"
#include "core/text/join.h"

namespace phpeek::supervisor {

using process::InstanceEvent;
using process::InstanceState;

namespace {

// Probe counters reach the published snapshot at most this often (a change of health at once).
constexpr Millis kHealthStatsEvery{1000};

}  // namespace

void Engine::AttachHealthCheck(Process& p, Instance& inst) {
  if (!p.spec->health_check) return;
  process::SpawnRequest request = p.request;  // an exec check runs as the instance would
  request.extra_env = {"PHPEEK_PM_INSTANCE_ID=" + inst.id,
                       "PHPEEK_PM_INSTANCE_INDEX=" + std::to_string(inst.index)};
  Process* process = &p;
  Instance* instance = &inst;
  inst.health = std::make_unique<health::Checker>(
      probes_, *p.spec->health_check, inst.index, request,
      [this, process, instance](const health::Checker::Outcome& outcome) {
        OnHealthOutcome(*process, *instance, outcome);
      });
}

// Probing covers exactly the instance's time in `running`.
void Engine::FollowRun(Instance& inst, InstanceState old) {
  if (!inst.health) return;
  const bool was = old == InstanceState::kRunning;
  const bool is = inst.state == InstanceState::kRunning;
  if (is && !was && !shutting_down_) {
    inst.healthy_once = false;
    inst.health->Begin();
  } else if (was && !is) {
    inst.health->End();
  }
}

void Engine::OnHealthOutcome(Process& p, Instance& inst, const health::Checker::Outcome& outcome) {
  RefreshHealthStats();
  const config::HealthCheck& check = *p.spec->health_check;
  if (!outcome.result.passed) {
    log::Debug("health check failed", {{"process", p.spec->name},
                                       {"instance", inst.id},
                                       {"check", health::ToString(check.type)},
                                       {"reason", outcome.result.detail}});
  }
  if (!outcome.changed) return;
  dirty_ = true;
  const health::Health now = *outcome.changed;
  if (now == health::Health::kHealthy) inst.healthy_once = true;
  const bool restart = now == health::Health::kUnhealthy && health::IsLiveness(check.mode) &&
                       inst.state == InstanceState::kRunning && !shutting_down_;
  if (now == health::Health::kHealthy) {
    log::Info("process healthy", {{"process", p.spec->name},
                                  {"instance", inst.id},
                                  {"check", health::ToString(check.type)}});
  } else {
    log::Warn("process unhealthy", {{"process", p.spec->name},
                                    {"instance", inst.id},
                                    {"check", health::ToString(check.type)},
                                    {"mode", health::ToString(check.mode)},
                                    {"reason", outcome.result.detail},
                                    {"consecutive_failures", inst.health->consecutive_failures()},
                                    {"action", restart ? "restart" : "none"}});
  }
  Event e;
  e.type = EventType::kHealthChanged;
  e.process = p.spec->name;
  e.instance = inst.id;
  e.pid = inst.pid;
  e.old_state = health::ToString(outcome.before);
  e.new_state = health::ToString(now);
  e.check_type = health::ToString(check.type);
  e.check_mode = health::ToString(check.mode);
  e.reason = outcome.result.detail;
  e.restart = restart;
  e.ready = InstanceReady(inst);
  bus_->Publish(std::move(e));
  if (restart) RestartUnhealthy(p, inst, outcome.result.detail);
}

// Stopped like any stop (its group, its stop signal, its timeout, then SIGKILL); EndHealthRestart
// judges the end under the restart policy once it has exited.
void Engine::RestartUnhealthy(Process& p, Instance& inst, const std::string& reason) {
  log::Warn(
      "restarting unhealthy process",
      {{"process", p.spec->name}, {"instance", inst.id}, {"pid", inst.pid}, {"reason", reason}});
  inst.health_restart = true;
  inst.intentional = false;
  inst.restart_pending = false;
  Apply(p, inst, InstanceEvent::kStop);
}

// An instance stopped for failing its liveness check has exited: judged like an unintended exit
// (restart, backoff or give-up under its policy), unless a command took over meanwhile (a stop
// or a restart), or the daemon is shutting down. A run that never passed its check counts as a
// quick failure whatever its length, so that an instance that never becomes healthy is given up.
bool Engine::EndHealthRestart(Process& p, Instance& inst, process::Millis uptime) {
  inst.health_restart = false;
  if (shutting_down_ || inst.intentional || inst.restart_pending ||
      inst.state != InstanceState::kStopping) {
    return false;
  }
  JudgeExit(p, inst, false, inst.healthy_once ? uptime : process::Millis(0), "health_check");
  return true;
}

// JudgeExit's events for an instance judged while stopping (only a liveness stop is).
process::InstanceEvent Engine::ExitEvent(const Instance& inst, InstanceEvent event) {
  if (inst.state != InstanceState::kStopping) return event;
  switch (event) {
    case InstanceEvent::kExitRestart:
      return InstanceEvent::kHealthRestart;
    case InstanceEvent::kExitBackoff:
      return InstanceEvent::kHealthBackoff;
    case InstanceEvent::kExitFailed:
      return InstanceEvent::kHealthFailed;
    default:
      return event;
  }
}

void Engine::EndHealthChecks() {
  for (auto& p : processes_) {
    for (auto& inst : p->instances) {
      if (inst->health) inst->health->End();
    }
  }
}

void Engine::RefreshHealthStats() {
  if (health_stats_timer_ != 0) return;
  health_stats_timer_ = loop_.AddTimer(Now() + kHealthStatsEvery, [this] {
    health_stats_timer_ = 0;
    dirty_ = true;
  });
}

// lifecycle.md, "Fail fast": the orchestrator (docker, Kubernetes, systemd) restarts the whole.
void Engine::FailFast(const Process& p, const Instance& inst) {
  if (shutting_down_) return;
  log::Error("critical process failed; shutting down",
             {{"process", p.spec->name}, {"instance", inst.id}, {"exit_code", 1}});
  exit_code_ = 1;
  BeginShutdown();
}

bool Engine::InstanceReady(const Instance& inst) const {
  if (inst.state == InstanceState::kCompleted) return true;  // a oneshot that is done
  if (inst.state != InstanceState::kRunning || inst.suspended) return false;
  if (!inst.health || !health::IsReadiness(inst.health->spec().mode)) return true;
  return inst.health->health() == health::Health::kHealthy;
}

// A oneshot is ready once it has completed (exit 0), not while it runs.
bool Engine::ProcessReady(const Process& p) const {
  const bool oneshot = p.spec->type == config::ProcessType::kOneshot;
  int desired = 0;
  for (const auto& inst : p.instances) {
    if (inst->retire) continue;
    ++desired;
    if (oneshot ? inst->state != InstanceState::kCompleted : !InstanceReady(*inst)) return false;
  }
  return desired > 0;
}

void Engine::FillHealth(const Instance& inst, InstanceStatus* out) const {
  out->ready = InstanceReady(inst);
  if (!inst.health) return;
  const health::CheckStats& stats = inst.health->stats();
  HealthStatus h;
  h.health = health::ToString(inst.health->health());
  h.type = health::ToString(inst.health->spec().type);
  h.mode = health::ToString(inst.health->spec().mode);
  h.consecutive_failures = inst.health->consecutive_failures();
  h.passed = stats.passed;
  h.failed = stats.failed;
  h.duration_sum = stats.duration_sum;
  h.duration_buckets.assign(stats.buckets.begin(), stats.buckets.end());
  h.last_failure = stats.last_failure;
  out->health = std::move(h);
}

// Published with every snapshot; a change is sent as an event (the readiness file, systemd's
// READY=1) and, when global.readiness is enabled, logged (not the first "not ready"). Shutting
// down, the daemon is not ready.
void Engine::PublishReadiness(const std::vector<ProcessStatus>& all) {
  ReadinessStatus r = health::EvaluateReadiness(*config_, all);
  if (shutting_down_) r.ready = false;
  if (!started_) {  // built, not running yet: nobody listens, and nothing has started
    r.ready = false;
    snapshots_->PublishReadiness(std::move(r));
    return;
  }
  if (readiness_known_ && r.ready == ready_) {
    snapshots_->PublishReadiness(std::move(r));
    return;
  }
  const bool announce = readiness_known_ || r.ready;
  readiness_known_ = true;
  ready_ = r.ready;
  if (announce && !shutting_down_ && config_->global.readiness.enabled) {
    if (r.ready) {
      log::Info("ready: every tracked process is ready");
    } else {
      log::Warn("not ready", {{"waiting_for", text::Join(r.waiting)}});
    }
  }
  if (announce) {
    Event e;
    e.type = EventType::kReadinessChanged;
    e.old_state = r.ready ? "not ready" : "ready";
    e.new_state = r.ready ? "ready" : "not ready";
    e.waiting = r.waiting;
    bus_->Publish(std::move(e));
  }
  snapshots_->PublishReadiness(std::move(r));
}

}  // namespace phpeek::supervisor
