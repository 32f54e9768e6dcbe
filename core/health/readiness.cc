#include "core/health/readiness.h"

#include <algorithm>

namespace phpeek::health {
namespace {

bool TrackedByDefault(const config::ProcessSpec& p) {
  return p.enabled && p.type == config::ProcessType::kLongrun && p.schedule.empty() &&
         p.initial_state == config::InitialState::kRunning;
}

bool IsTracked(const config::Config& config, const config::ProcessSpec& spec) {
  const auto& listed = config.global.readiness.processes;
  if (listed.empty()) return TrackedByDefault(spec);
  return std::find(listed.begin(), listed.end(), spec.name) != listed.end();
}

bool CountsAsReady(config::ReadinessMode mode, const ProcessStatus& p) {
  if (p.state == "completed") return p.ready;
  return mode == config::ReadinessMode::kAllRunning ? p.state == "running" : p.ready;
}

}  // namespace

ReadinessStatus EvaluateReadiness(const config::Config& config,
                                  const std::vector<ProcessStatus>& processes) {
  ReadinessStatus out;
  for (const ProcessStatus& status : processes) {
    for (const InstanceStatus& inst : status.instances) {
      if (inst.state != "failed") continue;
      out.failed.push_back(status.name);
      break;
    }
    const config::ProcessSpec* spec = config.FindProcess(status.name);
    if (spec == nullptr || !IsTracked(config, *spec)) continue;
    if (!CountsAsReady(config.global.readiness.mode, status)) out.waiting.push_back(status.name);
  }
  out.ready = out.waiting.empty();
  return out;
}

}  // namespace phpeek::health
