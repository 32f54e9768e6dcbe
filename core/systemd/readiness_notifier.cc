#include "core/systemd/readiness_notifier.h"

#include <stdlib.h>

#include <utility>

#include "core/log/log.h"

namespace phpeek::systemd {
namespace {

// Processes the supervisor starts by itself at start-up; the others wait for a command.
bool StartsAtBoot(const config::ProcessSpec& p) {
  return p.enabled && p.initial_state == config::InitialState::kRunning && p.schedule.empty() &&
         p.scale > 0;
}

}  // namespace

ReadinessNotifier::ReadinessNotifier(const config::Config& config, Notifier notifier)
    : notifier_(std::move(notifier)), wait_for_readiness_(config.global.readiness.enabled) {
  for (const auto& p : config.processes) {
    if (!StartsAtBoot(p)) continue;
    auto& instances = pending_[p.name];
    for (int i = 0; i < p.scale; ++i) instances.insert(p.name + "-" + std::to_string(i));
  }
  total_ = static_cast<int>(pending_.size());
  // The messages are ours alone: a child that saw NOTIFY_SOCKET (php-fpm does) would send its own
  // READY=1, which systemd rejects and logs. Dropped before the supervisor copies the environment.
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
}

void ReadinessNotifier::Begin() {
  if (!notifier_.enabled()) return;
  if (pending_.empty() && !wait_for_readiness_) SendReady();
  const auto interval = watchdog_interval();
  if (interval.count() > 0) {
    log::Info("systemd watchdog enabled",
              {{"interval_ms", static_cast<int64_t>(interval.count())}});
  }
}

void ReadinessNotifier::End() {
  if (notifier_.enabled() && !stopping_sent_) {
    stopping_sent_ = true;
    notifier_.Stopping();
  }
}

std::chrono::milliseconds ReadinessNotifier::watchdog_interval() const {
  return notifier_.enabled() ? notifier_.watchdog_interval() : std::chrono::milliseconds(0);
}

void ReadinessNotifier::PingWatchdog() { notifier_.Watchdog(); }

void ReadinessNotifier::OnEvent(const Event& event) {
  if (!notifier_.enabled()) return;
  if (event.type == EventType::kShuttingDown && !stopping_sent_) {
    stopping_sent_ = true;
    notifier_.Stopping();
    return;
  }
  if (ready_sent_) return;
  if (wait_for_readiness_) {
    OnReadiness(event);
    return;
  }
  if (event.type != EventType::kStateChanged) return;
  if (event.instance.empty()) {
    OnProcessState(event);
  } else {
    OnInstanceState(event);
  }
}

void ReadinessNotifier::OnReadiness(const Event& event) {
  if (event.type != EventType::kReadinessChanged || event.new_state != "ready") return;
  ready_sent_ = true;
  notifier_.Send("READY=1\nSTATUS=" + std::to_string(total_) + " process(es) started; ready");
}

void ReadinessNotifier::OnProcessState(const Event& event) {
  const std::string& s = event.new_state;
  if (s == "running" || s == "completed" || s == "failed" || s == "stopped") Settle(event.process);
}

void ReadinessNotifier::OnInstanceState(const Event& event) {
  const std::string& s = event.new_state;
  if (s != "running" && s != "completed" && s != "failed") return;
  auto it = pending_.find(event.process);
  if (it == pending_.end() || it->second.erase(event.instance) == 0) return;
  if (s == "failed") ++failed_;
  if (it->second.empty()) Settle(event.process);
}

void ReadinessNotifier::Settle(const std::string& process) {
  if (pending_.erase(process) == 0) return;
  if (pending_.empty()) SendReady();
}

void ReadinessNotifier::SendReady() {
  ready_sent_ = true;
  std::string status = std::to_string(total_) + " process(es) started";
  if (failed_ > 0) status += ", " + std::to_string(failed_) + " instance(s) failed";
  notifier_.Send("READY=1\nSTATUS=" + status);
}

}  // namespace phpeek::systemd
