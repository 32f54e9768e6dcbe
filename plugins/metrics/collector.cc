#include "plugins/metrics/collector.h"

#include "phpeek/json.hpp"

namespace phpeek::metrics {
namespace {

bool Empty(const char* s) { return s == nullptr || *s == '\0'; }

// ABI 1.1: the supervisor says in the exit's detail that it stopped the instance for failing its
// liveness check ({"ended_by":"health_check"}).
bool EndedByHealthCheck(const phpeek_event& ev) {
  if (ev.detail_json == nullptr) return false;
  json::Document detail;
  if (!detail.Parse(ev.detail_json)) return false;  // a detail we cannot read names no reason
  return detail.root()["ended_by"].AsString().value_or("") == "health_check";
}

bool IsAtRest(int32_t state) {
  return state == PHPEEK_STATE_STOPPED || state == PHPEEK_STATE_FAILED ||
         state == PHPEEK_STATE_COMPLETED;
}

}  // namespace

const char* RestartReasonName(int reason) {
  switch (reason) {
    case kCrash:
      return "crash";
    case kNormalExit:
      return "normal_exit";
    case kHealthCheck:
      return "health_check";
    case kManual:
      return "manual";
    default:
      return "unknown";
  }
}

void Collector::OnEvent(const phpeek_event& ev) {
  std::lock_guard<std::mutex> lock(mu_);
  dropped_ += ev.dropped;
  if (Empty(ev.instance)) return;  // process-level and daemon-wide events carry no restart
  switch (ev.type) {
    case PHPEEK_EVENT_STATE_CHANGED:
      OnStateChanged(ev);
      break;
    case PHPEEK_EVENT_EXITED:
      OnExited(ev);
      break;
    case PHPEEK_EVENT_SPAWNED:
      OnSpawned(ev);
      break;
    default:
      break;
  }
}

void Collector::OnStateChanged(const phpeek_event& ev) {
  InstanceTrack& track = instances_[ev.instance];
  track.state = ev.new_state;
  // Back from rest only through a command (start, restart, scale-up): whatever ended the previous
  // run, the next spawn is the operator's doing.
  if (IsAtRest(ev.new_state) && track.pending_reason >= 0) track.pending_reason = kManual;
}

void Collector::OnExited(const phpeek_event& ev) {
  InstanceTrack& track = instances_[ev.instance];
  if (EndedByHealthCheck(ev)) {
    track.pending_reason = kHealthCheck;  // stopped by the supervisor, not by an operator
  } else if (track.state == PHPEEK_STATE_STOPPING || IsAtRest(track.state)) {
    track.pending_reason = kManual;
  } else if (ev.exit_code == 0 && ev.signal == 0) {
    track.pending_reason = kNormalExit;
  } else {
    track.pending_reason = kCrash;
  }
}

void Collector::OnSpawned(const phpeek_event& ev) {
  auto it = instances_.find(ev.instance);
  if (it == instances_.end() || it->second.pending_reason < 0) return;  // a first start
  restarts_[ev.process][it->second.pending_reason] += 1;
  it->second.pending_reason = -1;
}

RestartCounts Collector::Restarts(const std::string& process) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = restarts_.find(process);
  return it == restarts_.end() ? RestartCounts{} : it->second;
}

void Collector::Retain(const std::unordered_set<std::string>& live) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(instances_, [&live](const auto& entry) { return live.count(entry.first) == 0; });
}

uint64_t Collector::dropped_events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace phpeek::metrics
