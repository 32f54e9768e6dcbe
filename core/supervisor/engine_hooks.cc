// When the lifecycle hooks run (lifecycle.md "Hooks"); core/hooks runs them. Global pre-start
// gates every spawn, post-start waits for the boot processes, pre-stop gates the first stop signal
// of a shutdown and post-stop comes after the last instance and its hooks. Per instance (on its
// own lane, so one after the other): pre_start before each spawn, post_start after it, pre_stop
// before the stop signal, post_stop after the exit.
#include "core/log/log.h"
#include "core/supervisor/engine.h"

namespace phpeek::supervisor {

using hooks::HookPoint;
using hooks::HookResult;
using process::InstanceEvent;
using process::InstanceState;

namespace {

const std::string kGlobalLane;  // instance lanes are instance ids, never empty

std::vector<hooks::HookJob> GlobalJobs(const std::vector<config::Hook>& list, HookPoint point) {
  std::vector<hooks::HookJob> jobs;
  for (const config::Hook& h : list) jobs.push_back(hooks::GlobalHookJob(h, point));
  return jobs;
}

}  // namespace

void Engine::SetUpHooks() {
  hooks_.OnFinished([this](const HookResult& r) { PublishHookEvent(r); });
  post_start_pending_ = !config_->hooks.post_start.empty();
}

void Engine::RunBootHooks() {
  if (config_->hooks.pre_start.empty()) return;
  boot_hooks_running_ = true;
  hooks_.Run(kGlobalLane, GlobalJobs(config_->hooks.pre_start, HookPoint::kPreStart),
             [this](bool ok, const HookResult& failed) {
               boot_hooks_running_ = false;
               if (ok || shutting_down_) return;
               boot_failed_ = true;
               log::Error("global pre-start hook failed; not starting any process",
                          {{"hook", failed.name}, {"error", failed.error}});
               exit_code_ = 1;
               BeginShutdown();
             });
}

// True while the spawn of `inst` must wait: its lane still runs hooks (a post_stop of the previous
// run), or its pre_start hooks have not passed yet (they are started here).
bool Engine::HoldSpawnForHooks(Process& p, Instance& inst) {
  if (hooks_.Busy(inst.id)) return true;
  if ((p.spec->hooks.pre_start.empty() && !p.spec->config_test) || inst.pre_start_passed) {
    return false;
  }
  const std::string id = inst.id;
  // The config_test first, then the pre_start hooks.
  std::vector<hooks::HookJob> jobs;
  if (p.spec->config_test) {
    jobs = InstanceHookJobs(p, inst, {&*p.spec->config_test, 1}, HookPoint::kPreStart);
  }
  for (auto& job : InstanceHookJobs(p, inst, p.spec->hooks.pre_start, HookPoint::kPreStart)) {
    jobs.push_back(std::move(job));
  }
  hooks_.Run(id, std::move(jobs), [this, &p, id](bool ok, const HookResult& failed) {
    Instance* i = InstanceById(p, id);
    if (i == nullptr) return;
    if (i->state != InstanceState::kStarting || i->pid != 0) return;  // stopped since
    if (ok) {
      i->pre_start_passed = true;  // the next turn spawns it
      return;
    }
    if (shutting_down_) return;
    i->reason = failed.name == "config_test"
                    ? "config_test failed: " + failed.error
                    : "pre_start hook '" + failed.name + "' failed: " + failed.error;
    log::Error("pre_start hook failed; process not started", {{"process", p.spec->name},
                                                              {"instance", id},
                                                              {"hook", failed.name},
                                                              {"error", failed.error}});
    Apply(p, *i, InstanceEvent::kExitFailed);
  });
  return true;
}

void Engine::RunPostStartHooks(Process& p, Instance& inst) {
  if (p.spec->hooks.post_start.empty()) return;
  hooks_.Run(inst.id, InstanceHookJobs(p, inst, p.spec->hooks.post_start, HookPoint::kPostStart),
             [](bool, const HookResult&) {});  // a failure is logged and counted, nothing more
}

// True when pre_stop hooks took over: the stop signal follows once they have ended (whatever
// their outcome), if the instance is still the one that was asked to stop.
bool Engine::RunPreStopHooks(Process& p, Instance& inst) {
  if (p.spec->hooks.pre_stop.empty()) return false;
  const std::string id = inst.id;
  const pid_t pid = inst.pid;
  hooks_.Run(id, InstanceHookJobs(p, inst, p.spec->hooks.pre_stop, HookPoint::kPreStop),
             [this, &p, id, pid](bool, const HookResult&) {
               Instance* i = InstanceById(p, id);
               if (i != nullptr && i->state == InstanceState::kStopping && i->pid == pid) {
                 SignalStopNow(p, *i);
               }
             });
  return true;
}

void Engine::RunPostStopHooks(Process& p, Instance& inst) {
  if (p.spec->hooks.post_stop.empty()) return;
  hooks_.Run(inst.id, InstanceHookJobs(p, inst, p.spec->hooks.post_stop, HookPoint::kPostStop),
             [](bool, const HookResult&) {});
}

// Global post-start, once every process started at boot is running (a oneshot: completed).
void Engine::CheckPostStartHooks() {
  if (!post_start_pending_ || boot_hooks_running_ || shutting_down_) return;
  for (const Process* p : boot_) {
    const std::string state = AggregateState(*p);
    if (state != "running" && state != "completed") return;
  }
  post_start_pending_ = false;
  hooks_.Run(kGlobalLane, GlobalJobs(config_->hooks.post_start, HookPoint::kPostStart),
             [](bool, const HookResult&) {});
}

// At the start of a shutdown (its deadline already set): start-side hooks are abandoned, and the
// global pre-stop hooks run before any stop signal. A start-up that never got past its pre-start
// hooks (failed, or cut short by this shutdown) started nothing to stop: no stop hooks then.
void Engine::RunShutdownHooks() {
  hooks_.CancelStartSide();
  if (boot_hooks_running_) boot_failed_ = true;
  if (boot_failed_ || config_->hooks.pre_stop.empty()) return;
  stop_hooks_running_ = true;
  hooks_.Run(kGlobalLane, GlobalJobs(config_->hooks.pre_stop, HookPoint::kPreStop),
             [this](bool, const HookResult&) { stop_hooks_running_ = false; });
}

// Once every instance is gone: the instances' hooks end first, then the global post-stop hooks
// run (unless the deadline has passed or start-up never got past pre-start). True when nothing
// is left to run.
bool Engine::PostStopHooksDone() {
  if (!post_stop_started_) {
    if (hooks_.active() > 0) return false;
    post_stop_started_ = true;
    if (!boot_failed_ && !killing_ && !config_->hooks.post_stop.empty()) {
      hooks_.Run(kGlobalLane, GlobalJobs(config_->hooks.post_stop, HookPoint::kPostStop),
                 [](bool, const HookResult&) {});
    }
  }
  return hooks_.active() == 0;
}

std::vector<hooks::HookJob> Engine::InstanceHookJobs(Process& p, Instance& inst,
                                                     std::span<const config::Hook> list,
                                                     HookPoint point) {
  process::SpawnRequest request = p.request;
  request.extra_env = {"PHPEEK_PM_INSTANCE_ID=" + inst.id,
                       "PHPEEK_PM_INSTANCE_INDEX=" + std::to_string(inst.index)};
  std::vector<hooks::HookJob> jobs;
  for (const config::Hook& h : list) {
    jobs.push_back(hooks::ProcessHookJob(h, point, p.spec->name, inst.id, request));
    jobs.back().log_pipeline = p.log_pipeline;
  }
  return jobs;
}

// Hook callbacks hold the instance's id, not the instance: a retired one may be gone by then.
Instance* Engine::InstanceById(Process& p, const std::string& id) {
  for (auto& inst : p.instances) {
    if (inst->id == id) return inst.get();
  }
  return nullptr;
}

void Engine::PublishHookEvent(const HookResult& r) {
  Event e;
  e.type = EventType::kHookFinished;
  e.process = r.process;
  e.instance = r.instance;
  e.exit_code = r.exit_code;
  e.signal = r.signal;
  e.hook = r.name;
  e.hook_type = hooks::ToString(r.point);
  e.hook_result = hooks::ToString(r.outcome);
  e.attempts = r.attempts;
  e.duration_ms = r.duration.count();
  bus_->Publish(std::move(e));
}

}  // namespace phpeek::supervisor
