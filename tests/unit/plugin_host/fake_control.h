// A Control for plugin host unit tests: a fixed process table (each SetProcesses is a new snapshot
// generation, as a publish of the loop), recorded Submit calls with a scripted result, and a way
// to emit events to the registered listeners as the loop thread would.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/supervisor/control.h"

namespace phpeek::testing {

class FakeControl : public Control {
 public:
  struct Call {
    ControlOp op;
    std::string process;
    int arg;
  };

  ControlResult Submit(ControlOp op, std::string_view process, int arg) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back({op, std::string(process), arg});
    if (!FindLocked(process)) return ControlResult::kNotFound;
    return next_result_;
  }
  std::vector<ProcessStatus> Snapshot() const override {
    std::lock_guard<std::mutex> lock(mu_);
    ++snapshot_calls_;
    return processes_;
  }
  std::optional<ProcessStatus> SnapshotOf(std::string_view process) const override {
    std::lock_guard<std::mutex> lock(mu_);
    const ProcessStatus* p = FindLocked(process);
    return p ? std::optional<ProcessStatus>(*p) : std::nullopt;
  }
  std::optional<ScaleLimit> ScaleLimitOf(std::string_view /*process*/) const override {
    std::lock_guard<std::mutex> lock(mu_);
    return scale_limit_;
  }
  void SetScaleLimit(std::optional<ScaleLimit> limit) {
    std::lock_guard<std::mutex> lock(mu_);
    scale_limit_ = limit;
  }
  uint64_t SnapshotGeneration() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return track_generations_ ? generation_ : 0;
  }
  void AddListener(EventListener* listener) override { listeners_.push_back(listener); }
  ReadinessStatus Readiness() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return readiness_;
  }
  void SetReadiness(ReadinessStatus r) {
    std::lock_guard<std::mutex> lock(mu_);
    readiness_ = std::move(r);
  }

  void SetProcesses(std::vector<ProcessStatus> processes) {
    std::lock_guard<std::mutex> lock(mu_);
    processes_ = std::move(processes);
    ++generation_;
  }
  // As a Control that does not track generations (SnapshotGeneration() == 0).
  void StopTrackingGenerations() {
    std::lock_guard<std::mutex> lock(mu_);
    track_generations_ = false;
  }
  int snapshot_calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return snapshot_calls_;
  }
  void SetResult(ControlResult r) {
    std::lock_guard<std::mutex> lock(mu_);
    next_result_ = r;
  }
  std::vector<Call> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  // Delivers to every listener, as the supervisor loop does, with the next seq.
  void Emit(Event e) {
    e.seq = ++seq_;
    for (EventListener* l : listeners_) l->OnEvent(e);
  }
  size_t listener_count() const { return listeners_.size(); }

 private:
  const ProcessStatus* FindLocked(std::string_view name) const {
    for (const auto& p : processes_) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }

  mutable std::mutex mu_;
  std::vector<ProcessStatus> processes_;
  uint64_t generation_ = 0;
  bool track_generations_ = true;
  mutable int snapshot_calls_ = 0;
  std::vector<Call> calls_;
  ControlResult next_result_ = ControlResult::kAccepted;
  std::optional<ScaleLimit> scale_limit_;
  ReadinessStatus readiness_{true, {}, {}};
  std::vector<EventListener*> listeners_;
  uint64_t seq_ = 0;
};

// One process "web" with two running instances.
inline ProcessStatus WebProcess() {
  ProcessStatus p;
  p.name = "web";
  p.state = "running";
  p.scale = 2;
  for (int i = 0; i < 2; ++i) {
    InstanceStatus s;
    s.id = "web-" + std::to_string(i);
    s.state = "running";
    s.pid = 100 + i;
    s.started_at = 1700000000 + i;
    s.restart_count = i;
    p.instances.push_back(s);
  }
  return p;
}

}  // namespace phpeek::testing
