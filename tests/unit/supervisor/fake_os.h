// Fakes of what the engine asks of the operating system (EngineIo): a clock the test advances and
// a table of pretend processes that the test makes exit, stop or continue, and that answers
// signals as real ones would (SIGKILL always ends one; the stop signal unless it ignores it). No
// real process is started, so restarts, backoff and timeouts are driven to the millisecond.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/process/children.h"
#include "core/process/spawner.h"
#include "core/supervisor/time_source.h"

namespace phpeek::testing {

class FakeClock : public supervisor::TimeSource {
 public:
  supervisor::Clock::time_point Now() const override { return now_; }
  void Advance(supervisor::Millis by) { now_ += by; }

 private:
  supervisor::Clock::time_point now_ = supervisor::Clock::time_point() + std::chrono::hours(1);
};

class FakeProcesses : public process::Spawner, public process::Children {
 public:
  struct Proc {
    pid_t pgid = 0;
    std::string name;  // PHPEEK_PM_INSTANCE_ID of an instance, "hook:<name>" of a hook, or "orphan"
    bool ignores_term = false;  // survives SIGTERM (and the configured stop signal)
    bool unkillable = false;    // survives even SIGKILL (stuck in the kernel)
    bool stopped = false;
    bool pending_end = false;  // a stop signal arrived while stopped: it acts on SIGCONT
  };

  // Spawner: pids count up from 1000; each leads its own group.
  process::SpawnResult Spawn(const process::SpawnRequest& request) override;
  // Children.
  bool Signal(pid_t pid, int sig) override;
  Collected Collect(process::ChildChange* out) override;
  std::vector<pid_t> List() override;

  // What the test does to a live process. Each change is queued for Collect and wakes the
  // engine's loop with SIGCHLD, as the kernel would.
  void Exit(pid_t pid, int code);
  void KillBy(pid_t pid, int sig);
  void Stop(pid_t pid);
  void Continue(pid_t pid);
  // A child of ours that is no instance (a re-parented orphan).
  pid_t AddOrphan(bool ignores_term);
  // When `parent` ends, a new orphan (ignoring SIGTERM) is re-parented to us.
  void OrphanOnDeath(pid_t parent) { orphan_on_death_.push_back(parent); }

  // Spawns that succeed only after `n` failures (ENOENT).
  void FailSpawns(int n) { fail_spawns_ = n; }
  // Every later spawn ignores SIGTERM.
  void SpawnIgnoringTerm(bool on) { spawn_ignores_term_ = on; }

  int spawns() const { return spawns_; }
  // Every spawn request, failed ones included, in order.
  const std::vector<process::SpawnRequest>& requests() const { return requests_; }
  // The live process of that name (see Proc::name), or 0.
  pid_t PidOf(const std::string& name) const;
  pid_t last_pid() const { return next_pid_ - 1; }
  bool Alive(pid_t pid) const { return procs_.count(pid) != 0; }
  Proc* Find(pid_t pid);
  // Every signal sent, in order: (kill's pid argument, signal).
  const std::vector<std::pair<pid_t, int>>& signals() const { return signals_; }
  size_t CountSignals(pid_t target, int sig) const;

 private:
  void Queue(pid_t pid, int status);
  void End(pid_t pid, int status);

  std::map<pid_t, Proc> procs_;  // alive
  std::vector<process::ChildChange> changes_;
  std::vector<std::pair<pid_t, int>> signals_;
  std::vector<pid_t> orphan_on_death_;
  pid_t next_pid_ = 1000;
  int spawns_ = 0;
  std::vector<process::SpawnRequest> requests_;
  int fail_spawns_ = 0;
  bool spawn_ignores_term_ = false;
};

}  // namespace phpeek::testing
