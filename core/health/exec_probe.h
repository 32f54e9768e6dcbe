// The exec probe: the check's command as a child of its own process group (exit 0 = pass), with
// the process's environment, working directory and user. Its exit reaches the probe through
// ProbeChildren (the engine reaps every child and hands over those that are probes'). A probe
// cancelled at its timeout has its whole group killed (SIGKILL); the first line of what it printed
// (up to kMaxOutput bytes are kept) explains a failure in the log and the API.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/health/probe.h"
#include "core/process/children.h"
#include "core/process/spawner.h"
#include "core/supervisor/loop.h"

namespace phpeek::health {

class ExecProbe;

// Which children are exec probes. The engine asks it about every child that is no instance.
class ProbeChildren {
 public:
  void Add(pid_t pid, ExecProbe* probe) { live_[pid] = probe; }
  // The probe no longer waits for `pid` (cancelled: killed, still to be reaped).
  void Abandon(pid_t pid);
  // True when `pid` was a probe's child: the exit is handled (or, for an abandoned one, dropped).
  bool OnExit(pid_t pid, int status);
  // True for a probe's child that has not been reaped yet (running, or killed with its group).
  bool Owns(pid_t pid) const { return live_.count(pid) > 0 || abandoned_.count(pid) > 0; }

 private:
  std::unordered_map<pid_t, ExecProbe*> live_;
  std::unordered_set<pid_t> abandoned_;
};

class ExecProbe : public Probe {
 public:
  static constexpr size_t kMaxOutput = 512;

  ExecProbe(supervisor::Loop& loop, process::Spawner& spawner, process::Children& children,
            ProbeChildren& registry, process::SpawnRequest request);
  ~ExecProbe() override;

  void Start(Done done) override;
  void Cancel() override;

  // ProbeChildren: the child exited with waitpid `status`.
  void OnExit(int status);

 private:
  void WatchOutput(int fd);
  void ReadOutput(int fd);
  void CloseOutput();
  std::string FirstLine() const;

  supervisor::Loop& loop_;
  process::Spawner& spawner_;
  process::Children& children_;
  ProbeChildren& registry_;
  const process::SpawnRequest request_;
  pid_t pid_ = 0;
  int fds_[2] = {-1, -1};
  std::string output_;
  Done done_;
};

}  // namespace phpeek::health
