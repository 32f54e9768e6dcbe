// The supervision engine: all mutable supervisor state, owned by the thread that calls Run().
// Supervisor (supervisor.cc) is the thread-safe facade around it; the engine only ever talks to
// other threads through the CommandInbox (in), the EventBus and the SnapshotStore (out).
//
// Files: engine.cc (set-up, the loop, reaping, end of run), engine_instance.cc (one instance:
// transitions, spawn, exit, timers, output), engine_control.cc (commands, scale, rolling
// restart, signals, ordered shutdown), engine_status.cc (process states, snapshot, events).
#pragma once

#include <sys/types.h>

#include <signal.h>

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config/config.h"
#include "core/process/backoff.h"
#include "core/process/instance_state.h"
#include "core/process/output_reader.h"
#include "core/process/spawner.h"
#include "core/supervisor/commands.h"
#include "core/supervisor/events.h"
#include "core/supervisor/loop.h"

namespace phpeek::supervisor {

struct Instance {
  int index = 0;
  std::string id;  // "<name>-<index>"
  process::InstanceState state = process::InstanceState::kStopped;
  pid_t pid = 0;  // also the process group id
  int64_t started_at = 0;
  Clock::time_point spawned_at{};
  uint32_t spawns = 0;
  uint32_t restart_count = 0;
  int consecutive_failures = 0;
  int last_exit_code = -1;
  int last_signal = 0;
  bool restart_pending = false;  // start again once the current run has ended
  bool retire = false;           // scaled away: removed once at rest
  bool intentional = false;      // the last stop was asked for (no restart, no auto-exit)
  bool stop_signalled = false;   // shutdown sent the stop signal ahead of the kStop transition
  process::Millis backoff_delay{0};
  Loop::TimerId backoff_timer = 0;
  Loop::TimerId kill_timer = 0;
  std::unique_ptr<process::OutputReader> out;
  std::unique_ptr<process::OutputReader> err;
};

struct Process {
  const config::ProcessSpec* spec = nullptr;
  int desired = 0;    // desired number of instances
  bool held = false;  // not wanted up: disabled, initial_state stopped, or stopped by command
  std::vector<std::unique_ptr<Instance>> instances;  // sorted by index
  process::SpawnRequest request;  // built once; only extra_env (the instance's entries) changes
  std::string state;                                 // last published aggregate state
  std::deque<int> rolling;                           // indexes still to restart, in order
  int rolling_current = -1;
  bool stop_sent = false;  // shutdown: this process has been told to stop
  // Counts kept by Apply and the scale code, so that a turn looks only at processes with work
  // (a scan of every instance per wake-up would make a 500-instance shutdown O(n^2)).
  int starting = 0;  // instances in kStarting: waiting for their spawn
  int retiring = 0;  // instances marked retire, not yet removed
};

// The signals the loop takes through signalfd (blocked in every thread).
void FillSupervisedSignals(sigset_t* set);
// "SIGTERM" for SIGTERM; "signal N" when unknown.
std::string SignalName(int sig);

class Engine {
 public:
  // `stopping` is set once a shutdown begins, so that Control refuses further commands.
  Engine(const config::Config& config, process::Spawner* spawner, CommandInbox* inbox,
         EventBus* bus, SnapshotStore* snapshots, std::atomic<bool>* stopping);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  int Run();

 private:
  // engine.cc
  bool SetUp(std::string* err);
  void Turn();
  void OnSignalFd();
  void ReapChildren();
  bool ChildrenRemain();
  void CheckAllEnded();
  void Finish(int exit_code);
  void EnterShutdown();
  bool Finished();
  void SignalLeftovers(int sig);

  // engine_instance.cc
  void Apply(Process& p, Instance& inst, process::InstanceEvent event);
  void Perform(Process& p, Instance& inst, process::InstanceAction action);
  void SpawnPending();
  void Spawn(Process& p, Instance& inst);
  void OnSpawnFailed(Process& p, Instance& inst, const process::SpawnResult& r);
  void OnExit(Process& p, Instance& inst, int status);
  void JudgeExit(Process& p, Instance& inst, bool success, process::Millis uptime);
  void SignalStop(Process& p, Instance& inst);
  void WatchOutput(Process& p, Instance& inst, int fd, bool is_stdout);
  void CloseOutput(Instance& inst);
  void LeaveState(Instance& inst, process::InstanceState next);

  // engine_control.cc
  void OnCommands();
  void ApplyCommand(const Command& c);
  void StartProcess(Process& p);
  void StopProcess(Process& p);
  void RestartProcess(Process& p);
  void ScaleProcess(Process& p, int n);
  Instance& AddInstance(Process& p, int index);
  void AdvanceRolling(Process& p);
  void RemoveRetired(Process& p);
  void BeginShutdown();
  void KillAll();
  void StopReadyForShutdown();
  void ForwardSignal(int sig);
  bool DependenciesReady(const Process& p) const;
  bool HasLiveInstance(const Process& p) const;

  // engine_status.cc
  std::string AggregateState(const Process& p) const;
  void PublishInstanceState(const Process& p, const Instance& inst, const char* old_state);
  void PublishStatus();
  void PublishDaemonEvent(EventType type);

  Process* FindProcess(const std::string& name);

  const config::Config& config_;
  process::Spawner* spawner_;
  CommandInbox* inbox_;
  EventBus* bus_;
  SnapshotStore* snapshots_;
  std::atomic<bool>* stopping_;
  process::RestartParams restart_;
  Loop loop_;
  int signal_fd_ = -1;
  std::vector<std::unique_ptr<Process>> processes_;  // configuration order
  struct Owner {
    Process* process;
    Instance* instance;
  };
  std::unordered_map<pid_t, Owner> by_pid_;
  bool spawn_backlog_ = false;  // spawns left for the next turn (big scale-up): do not sleep
  bool dirty_ = true;          // something changed: rebuild the snapshot
  bool shutting_down_ = false;
  bool leftovers_signalled_ = false;
  Clock::time_point shutdown_deadline_{};
  int exit_code_ = 0;
  bool done_ = false;
};

}  // namespace phpeek::supervisor
