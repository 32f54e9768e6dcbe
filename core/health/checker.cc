#include "core/health/checker.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/config/probe_target.h"
#include "core/health/exec_probe.h"
#include "core/health/socket_probe.h"

namespace phpeek::health {
namespace {

std::unique_ptr<Probe> SocketProbeFor(ProbeContext& context, const config::HealthCheck& spec,
                                      int index) {
  config::ProbeEndpoint endpoint;
  std::string err;
  const bool http = spec.type == config::HealthCheckType::kHttp;
  const std::string target = config::ExpandInstanceIndex(http ? spec.url : spec.address, index);
  const bool ok = http ? config::ParseHttpUrl(target, &endpoint, &err)
                       : config::ParseTcpAddress(target, &endpoint, &err);
  return std::make_unique<SocketProbe>(context.loop, context.resolver, std::move(endpoint),
                                       http ? spec.expected_status : 0, ok ? "" : err);
}

std::unique_ptr<Probe> ExecProbeFor(ProbeContext& context, const config::HealthCheck& spec,
                                    int index, process::SpawnRequest request) {
  request.argv.clear();
  for (const std::string& arg : spec.command.argv) {
    request.argv.push_back(config::ExpandInstanceIndex(arg, index));
  }
  request.capture_stdout = true;
  request.capture_stderr = true;
  return std::make_unique<ExecProbe>(context.loop, context.spawner, context.children,
                                     context.exec_children, std::move(request));
}

}  // namespace

const char* ToString(config::HealthCheckType type) {
  switch (type) {
    case config::HealthCheckType::kTcp:
      return "tcp";
    case config::HealthCheckType::kHttp:
      return "http";
    case config::HealthCheckType::kExec:
      return "exec";
  }
  return "unknown";
}

const char* ToString(config::HealthCheckMode mode) {
  switch (mode) {
    case config::HealthCheckMode::kBoth:
      return "both";
    case config::HealthCheckMode::kLiveness:
      return "liveness";
    case config::HealthCheckMode::kReadiness:
      return "readiness";
  }
  return "unknown";
}

bool IsLiveness(config::HealthCheckMode mode) {
  return mode != config::HealthCheckMode::kReadiness;
}
bool IsReadiness(config::HealthCheckMode mode) {
  return mode != config::HealthCheckMode::kLiveness;
}

Checker::Checker(ProbeContext& context, const config::HealthCheck& spec, int index,
                 const process::SpawnRequest& exec_request, Report report)
    : context_(context),
      spec_(&spec),
      report_(std::move(report)),
      probe_(spec.type == config::HealthCheckType::kExec
                 ? ExecProbeFor(context, spec, index, exec_request)
                 : SocketProbeFor(context, spec, index)),
      state_(spec.success_threshold, spec.failure_threshold) {}

Checker::~Checker() { End(); }

void Checker::Rebind(const config::HealthCheck& spec) { spec_ = &spec; }

void Checker::Begin() {
  End();
  state_.Reset();
  active_ = true;
  Arm(Now() + spec_->initial_delay, ProbeSlack());
}

void Checker::End() {
  active_ = false;
  if (in_flight_) probe_->Cancel();
  in_flight_ = false;
  context_.loop.CancelTimer(timer_);
  timer_ = 0;
  if (state_.health() != Health::kUnhealthy) state_.Reset();
}

void Checker::Recheck() {
  if (!active_) return;
  if (in_flight_) probe_->Cancel();
  in_flight_ = false;
  state_.Reset();
  Arm(Now());
}

void Checker::Arm(Clock::time_point when, Clock::duration slack) {
  context_.loop.CancelTimer(timer_);
  timer_ = context_.loop.AddTimer(
      when,
      [this] {
        timer_ = 0;
        in_flight_ ? OnTimeout() : Attempt();
      },
      slack);
}

// 1 % of the period, at most 10 ms: 500 checks at `period: 1s` wake the daemon about 100 times a
// second instead of 500 (the wake-ups were a quarter of the daemon's CPU for tcp probes).
Clock::duration Checker::ProbeSlack() const {
  return std::min<Clock::duration>(spec_->period / 100, std::chrono::milliseconds(10));
}

void Checker::Attempt() {
  started_ = Now();
  in_flight_ = true;
  Arm(started_ + spec_->timeout);
  probe_->Start([this](ProbeResult result) { Finish(std::move(result)); });
}

void Checker::OnTimeout() {
  probe_->Cancel();
  Finish(ProbeResult{false, "timed out after " + std::to_string(spec_->timeout.count()) + "ms"});
}

void Checker::Finish(ProbeResult result) {
  in_flight_ = false;
  const Clock::time_point now = Now();
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(now - started_);
  const Clock::time_point next = started_ + spec_->period;
  Arm(next > now ? next : now, ProbeSlack());
  Record(result, took);
  // Last: the engine may end this run (a liveness restart) from inside the report.
  Outcome outcome;
  outcome.result = std::move(result);
  outcome.took = std::chrono::duration_cast<Millis>(took);
  outcome.before = state_.health();
  outcome.changed = state_.Record(outcome.result.passed);
  report_(outcome);
}

void Checker::Record(const ProbeResult& result, std::chrono::microseconds took) {
  const double seconds = static_cast<double>(took.count()) / 1e6;
  (result.passed ? stats_.passed : stats_.failed) += 1;
  stats_.duration_sum += seconds;
  for (size_t i = 0; i < CheckStats::kBuckets.size(); ++i) {
    if (seconds <= CheckStats::kBuckets[i]) stats_.buckets[i] += 1;
  }
  if (!result.passed) stats_.last_failure = result.detail;
}

}  // namespace phpeek::health
