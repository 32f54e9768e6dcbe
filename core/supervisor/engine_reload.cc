// A reloaded configuration put in force (lifecycle.md "Reload"): the per-process diff of
// core/reload/config_diff.h applied in one turn of the loop. Nothing here waits: rolling restarts,
// the stops of removed processes and the starts of added ones go on as supervision does, so a
// reload never holds up the loop (a crashed process is still replaced while a reload rolls).
//
// Lifetime: processes and jobs point into the Config they came from. Kept ones are re-pointed to
// the new Config; the old Config is retired and released once nothing can still point into it (no
// removed process left, no hook running, no removed job's run active).
#include <algorithm>

#include "core/log/log.h"
#include "core/reload/config_diff.h"
#include "core/supervisor/engine.h"
#include "core/supervisor/job_runner.h"
#include "core/text/join.h"

namespace phpeek::supervisor {

using process::InstanceEvent;
using reload::ChangeKind;

namespace {

bool Has(const std::vector<std::string>& keys, const char* key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

void Engine::OnReload(const Command& c) {
  reload::ReloadResult r;
  if (shutting_down_) {
    r.status = reload::ReloadStatus::kStopping;
    r.message = "the daemon is shutting down; reload refused";
    log::Warn("configuration reload refused: the daemon is shutting down");
  } else {
    r = ApplyReload(c.reload);
  }
  if (dirty_) PublishStatus();  // the answer comes after the snapshot that shows it
  if (reload_gate_) reload_gate_->Finish(r);
  if (c.reload_reply) c.reload_reply->Set(r);
}

reload::ReloadResult Engine::ApplyReload(std::shared_ptr<const config::Config> next) {
  const reload::ConfigDiff diff = reload::DiffConfigs(*config_, *next);
  const std::shared_ptr<const config::Config> before = config_;
  retired_configs_.push_back(config_);
  config_ = std::move(next);
  std::vector<std::unique_ptr<Process>> old = std::move(processes_);
  processes_.clear();
  auto take = [&old](const std::string& name) {
    for (auto& p : old) {
      if (p && p->spec->name == name) return std::move(p);
    }
    return std::unique_ptr<Process>();
  };
  auto start_new = [this](const config::ProcessSpec& spec) {
    std::unique_ptr<Process> p = MakeProcess(spec);
    if (!p->held) {
      for (auto& inst : p->instances) Apply(*p, *inst, InstanceEvent::kStart);
    }
    p->state = AggregateState(*p);
    return p;
  };
  reload::ReloadResult r;
  for (const reload::ProcessChange& c : diff.processes) {
    if (c.kind == ChangeKind::kRemoved) {
      RemoveProcess(take(c.name));
      r.removed.push_back(c.name);
      continue;
    }
    const config::ProcessSpec& spec = *config_->FindProcess(c.name);
    if (c.kind == ChangeKind::kAdded) {
      log::Info("process added by reload", {{"process", c.name}});
      processes_.push_back(start_new(spec));
      r.added.push_back(c.name);
      continue;
    }
    std::unique_ptr<Process> p = take(c.name);
    if (p->spec->schedule.empty() != spec.schedule.empty()) {
      // A process became a scheduled job, or a job a process: the old one goes, the new one comes.
      RemoveProcess(std::move(p));
      processes_.push_back(start_new(spec));
      r.restarted.push_back(c.name);
      continue;
    }
    const bool was_enabled = p->spec->enabled;
    const bool job = !spec.schedule.empty();
    KeepProcess(*p, spec, c.kind == ChangeKind::kRestarted || Has(c.keys, "health_check"));
    if (c.kind != ChangeKind::kUnchanged) {
      log::Info("process changed by reload", {{"process", c.name},
                                              {"change", reload::ToString(c.kind)},
                                              {"keys", text::Join(c.keys)}});
    }
    if (c.scale_changed && !job) ScaleProcess(*p, spec.scale);
    if (c.kind == ChangeKind::kUpdated || c.kind == ChangeKind::kRestarted) {
      ApplyEnabled(*p, was_enabled);
    }
    switch (c.kind) {
      case ChangeKind::kUnchanged:
        ++r.unchanged;
        break;
      case ChangeKind::kScaled:
      case ChangeKind::kUpdated:
        r.updated.push_back(c.name);
        break;
      case ChangeKind::kRestarted:
        // A job's new settings apply from its next run (KeepProcess); a stopped process is not
        // started by a reload.
        if (!job && !p->held && spec.enabled) {
          AfterConfigTest(*p, "configuration reload", [this](Process& q) { RestartProcess(q); });
        }
        r.restarted.push_back(c.name);
        break;
      case ChangeKind::kAdded:
      case ChangeKind::kRemoved:
        break;
    }
    processes_.push_back(std::move(p));
  }
  std::string err;
  if (!jobs_->Init(&err)) log::Error(err);  // the first job added by a reload needs the timer
  if (history_ != nullptr) history_->SetLimits(HistoryLimitsFor(config_->global));
  StopRemoved();
  dirty_ = true;
  if (!diff.global_keys.empty()) {
    log::Info("global keys changed by reload", {{"keys", text::Join(diff.global_keys)}});
  }
  if (diff.global_hooks_changed) log::Info("global hooks changed by reload; they apply from now");
  log::Info("configuration reloaded", {{"file", config_->source_path},
                                       {"added", text::Join(r.added)},
                                       {"removed", text::Join(r.removed)},
                                       {"restarted", text::Join(r.restarted)},
                                       {"updated", text::Join(r.updated)},
                                       {"unchanged", static_cast<int64_t>(r.unchanged)}});
  if (config_applied_) config_applied_(before, config_);
  Event e;
  e.type = EventType::kConfigReloaded;
  e.global_json = config_->global_json;
  e.reload_json = reload::ReloadJson(r);
  bus_->Publish(std::move(e));
  return r;
}

// A process that stays: it reads the new configuration from now on. Its health checks are replaced
// (health unknown again) when the check or the spawn changed, else they keep their state.
void Engine::KeepProcess(Process& p, const config::ProcessSpec& spec, bool replace_checks) {
  p.spec = &spec;
  p.request = SpawnRequestFor(spec);
  p.restart = process::RestartParamsFor(config_->global, spec);       // global restart defaults too
  p.log_pipeline = process_logs::PipelineConfig::Make(spec.logging);  // output from the next spawn
  if (!spec.schedule.empty()) {
    std::string err;
    if (!jobs_->Update(spec, config_->global, p.request, &err)) log::Error(err);
    return;
  }
  if (replace_checks) {
    ReplaceHealthChecks(p);
    return;
  }
  for (auto& inst : p.instances) {
    if (inst->health) inst->health->Rebind(*spec.health_check);
  }
}

void Engine::ReplaceHealthChecks(Process& p) {
  for (auto& inst : p.instances) {
    inst->health.reset();
    AttachHealthCheck(p, *inst);
    if (inst->health && inst->state == process::InstanceState::kRunning && !shutting_down_) {
      inst->healthy_once = false;
      inst->health->Begin();
    }
  }
  dirty_ = true;
}

// `enabled` changed: a process switched off stops (and stays listed); one switched on starts
// unless its initial_state says stopped.
void Engine::ApplyEnabled(Process& p, bool was_enabled) {
  const config::ProcessSpec& spec = *p.spec;
  if (was_enabled == spec.enabled || !spec.schedule.empty()) return;
  if (!spec.enabled) {
    StopProcess(p);
    return;
  }
  p.held = spec.initial_state == config::InitialState::kStopped;
  if (!p.held) StartProcess(p);
}

void Engine::RemoveProcess(std::unique_ptr<Process> p) {
  if (!p) return;
  log::Info("process removed by reload; stopping it", {{"process", p->spec->name}});
  if (!p->spec->schedule.empty()) jobs_->Remove(p->spec->name);
  EndWait(*p);  // its dependency timer must not fire for a process on its way out
  p->held = true;
  p->rolling.clear();
  p->rolling_current = -1;
  p->stop_sent = false;  // set by StopRemoved once it is told to stop
  removed_.push_back(std::move(p));
}

// Reverse dependency order among the removed: one is stopped once no removed process that depends
// on it is alive (kept processes cannot depend on a removed one: the new file would be invalid).
void Engine::StopRemoved() {
  for (auto it = removed_.rbegin(); it != removed_.rend(); ++it) {
    Process& p = **it;
    if (p.stop_sent) continue;
    const bool blocked =
        std::any_of(removed_.begin(), removed_.end(),
                    [&](const auto& q) {
                      const auto& deps = q->spec->depends_on;
                      return q.get() != &p && !q->stop_sent &&
                             std::find(deps.begin(), deps.end(), p.spec->name) != deps.end();
                    }) ||
        std::any_of(removed_.begin(), removed_.end(), [&](const auto& q) {
          const auto& deps = q->spec->depends_on;
          return q.get() != &p && std::find(deps.begin(), deps.end(), p.spec->name) != deps.end() &&
                 HasLiveInstance(*q);
        });
    if (blocked) continue;
    p.stop_sent = true;
    StopProcess(p);
  }
}

// A removed process is dropped once every instance is at rest and no hook runs for one of them
// (hook callbacks hold the process).
void Engine::DropRemoved() {
  if (removed_.empty()) return;
  const size_t before = removed_.size();
  std::erase_if(removed_, [this](const std::unique_ptr<Process>& p) {
    if (!p->stop_sent || HasLiveInstance(*p)) return false;
    for (const auto& inst : p->instances) {
      if (!process::IsAtRest(inst->state) || hooks_.Busy(inst->id)) return false;
    }
    std::erase(boot_, p.get());
    if (history_ != nullptr) {
      for (const auto& inst : p->instances) history_->Retire(inst->id);
    }
    log::Info("removed process stopped", {{"process", p->spec->name}});
    return true;
  });
  if (removed_.size() != before) dirty_ = true;
}

void Engine::ReleaseRetiredConfigs() {
  if (retired_configs_.empty() || !removed_.empty() || hooks_.active() != 0 ||
      jobs_->HasRetired()) {
    return;
  }
  retired_configs_.clear();
}

}  // namespace phpeek::supervisor
