// Process states (the spec's "States"), the published snapshot and the events around them.
#include "core/supervisor/engine.h"
#include "core/supervisor/job_runner.h"

namespace phpeek::supervisor {

using process::InstanceState;

// The instance state as the API words it: the table's state, except that a running instance whose
// leader is stopped (SIGSTOP, SIGTSTP) is "suspended".
const char* Engine::StateWord(const Instance& inst) {
  if (inst.suspended && inst.state == InstanceState::kRunning) return "suspended";
  return process::ToString(inst.state);
}

// running: all desired instances running; starting: all on their way up or running; degraded:
// some desired instances not running (a suspended one among them); stopping: an instance is
// stopping; stopped: nothing runs (also scale 0); failed: all given up; completed: a oneshot that
// is done.
std::string Engine::AggregateState(const Process& p) const {
  size_t total = 0, running = 0, up = 0, stopped = 0, failed = 0, completed = 0;
  for (const auto& inst : p.instances) {
    if (inst->state == InstanceState::kStopping) return "stopping";
    if (inst->retire) continue;
    ++total;
    switch (inst->state) {
      case InstanceState::kRunning:
        running += !inst->suspended;
        up += !inst->suspended;
        break;
      case InstanceState::kStarting:
        ++up;
        break;
      case InstanceState::kStopped:
        ++stopped;
        break;
      case InstanceState::kFailed:
        ++failed;
        break;
      case InstanceState::kCompleted:
        ++completed;
        break;
      default:
        break;
    }
  }
  if (total == 0 || stopped == total) return "stopped";
  if (completed == total) return "completed";
  if (failed == total) return "failed";
  if (running == total) return "running";
  if (up == total) return "starting";
  if (completed + stopped == total) return "completed";
  return "degraded";
}

void Engine::PublishInstanceState(const Process& p, const Instance& inst, const char* old_state) {
  Event e;
  e.type = EventType::kStateChanged;
  e.process = p.spec->name;
  e.instance = inst.id;
  e.pid = inst.pid;
  e.exit_code = inst.last_exit_code;
  e.signal = inst.last_signal;
  e.old_state = old_state;
  e.new_state = StateWord(inst);
  bus_->Publish(std::move(e));
}

void Engine::PublishDaemonEvent(EventType type) {
  Event e;
  e.type = type;
  bus_->Publish(std::move(e));
}

void Engine::PublishStatus() {
  std::vector<ProcessStatus> all;
  all.reserve(processes_.size());
  for (auto& p : processes_) {
    ProcessStatus ps;
    ps.name = p->spec->name;
    ps.type = config::ToString(p->spec->type);
    ps.state = AggregateState(*p);
    ps.scale = p->desired;
    ps.instances.reserve(p->instances.size());
    for (const auto& inst : p->instances) {
      InstanceStatus is;
      is.id = inst->id;
      is.state = StateWord(*inst);
      is.pid = inst->pid;
      is.started_at = inst->started_at;
      is.restart_count = inst->restart_count;
      is.reloads = inst->reloads;
      is.last_exit_code = inst->last_exit_code;
      is.last_signal = inst->last_signal;
      FillHealth(*inst, &is);
      is.reason = inst->reason;
      ps.instances.push_back(std::move(is));
    }
    if (const auto& fpm = p->spec->php_fpm_status) {
      ps.php_fpm_status = FpmStatusTarget{fpm->address, fpm->path};
    }
    if (p->spec->config_test) {
      ps.config_test = ProcessStatus::ConfigTest{p->config_tests, p->config_test_error};
    }
    ps.ready = ProcessReady(*p);
    FillDependencies(*p, &ps);
    if (jobs_->Has(ps.name)) {
      ps.job = jobs_->Snapshot(ps.name);
      ps.state = jobs_->Executing(ps.name) ? "running" : "stopped";
    }
    if (ps.state != p->state) {
      Event e;
      e.type = EventType::kStateChanged;
      e.process = ps.name;
      e.old_state = p->state;
      e.new_state = ps.state;
      p->state = ps.state;
      bus_->Publish(std::move(e));
    }
    all.push_back(std::move(ps));
  }
  PublishReadiness(all);
  snapshots_->Publish(std::move(all));
  dirty_ = false;
  last_publish_ = Now();
  bus_->Deliver();
}

}  // namespace phpeek::supervisor
