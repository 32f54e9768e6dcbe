// The supervision engine: all mutable supervisor state, owned by the thread that calls Run().
// Supervisor (supervisor.cc) is the thread-safe facade around it; the engine only ever talks to
// other threads through the CommandInbox (in), the EventBus and the SnapshotStore (out), and to
// the operating system through EngineIo: the spawner, the children (signal, reap, list) and the
// time source, which unit tests replace with fakes to drive it turn by turn (Start, then Step).
//
// Files: engine.cc (set-up, the loop, signals, reaping, the shutdown sweep, end of run),
// engine_instance.cc (one instance: transitions, spawn, exit, suspension, timers, output),
// engine_control.cc (commands, scale, rolling restart, ordered shutdown), engine_status.cc
// (process states, snapshot, events), engine_dependencies.cc (depends_on: waiting, blocked,
// dependency_timeout, starting what a start waits for), engine_health.cc (health checks, readiness,
// critical processes; the probes themselves are core/health's), engine_hooks.cc (when lifecycle
// hooks run; the running is core/hooks), engine_reload.cc (a reloaded configuration put in force:
// the diff of core/reload applied); scheduled jobs are driven by a JobRunner (job_runner.h).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/config/config.h"
#include "core/health/checker.h"
#include "core/health/probe_context.h"
#include "core/hooks/hook_runner.h"
#include "core/process/backoff.h"
#include "core/process/children.h"
#include "core/process/instance_state.h"
#include "core/process/listen_sockets.h"
#include "core/process/output_reader.h"
#include "core/process/signal_name.h"
#include "core/process/spawner.h"
#include "core/process/tracking_spawner.h"
#include "core/reload/reload_result.h"
#include "core/supervisor/commands.h"
#include "core/supervisor/events.h"
#include "core/supervisor/loop.h"
#include "core/supervisor/output_pipeline.h"
#include "core/supervisor/time_source.h"

struct signalfd_siginfo;  // <sys/signalfd.h>

namespace phpeek::supervisor {

class JobRunner;

struct Instance {
  int index = 0;
  std::string id;  // "<name>-<index>"
  process::InstanceState state = process::InstanceState::kStopped;
  pid_t pid = 0;  // also the process group id
  int64_t started_at = 0;
  Clock::time_point spawned_at{};
  uint32_t spawns = 0;
  uint32_t restart_count = 0;
  uint32_t reloads = 0;  // reload signals sent (ControlOp::kReload)
  int consecutive_failures = 0;
  int last_exit_code = -1;
  int last_signal = 0;
  bool restart_pending = false;   // start again once the current run has ended
  bool retire = false;            // scaled away: removed once at rest
  bool intentional = false;       // the last stop was asked for (no restart, no auto-exit)
  bool stop_signalled = false;    // shutdown sent the stop signal ahead of the kStop transition
  bool suspended = false;         // the leader is stopped (SIGSTOP, SIGTSTP): shown as "suspended"
  bool health_restart = false;    // being stopped because its liveness check failed
  bool healthy_once = false;      // its health check passed in this run
  bool pre_start_passed = false;  // its pre_start hooks succeeded: the next spawn may go
  std::string reason;             // why it is failed or backing off (hook, spawn error); API
  process::Millis backoff_delay{0};
  Loop::TimerId backoff_timer = 0;
  Loop::TimerId kill_timer = 0;
  ChildOutput output;                       // the current run's stdout and stderr
  std::unique_ptr<health::Checker> health;  // set when the process has a health_check
};

struct Process {
  const config::ProcessSpec* spec = nullptr;
  int desired = 0;    // desired number of instances
  bool held = false;  // not wanted up: disabled, initial_state stopped, or stopped by command
  std::vector<std::unique_ptr<Instance>> instances;  // sorted by index
  process::SpawnRequest request;   // built once; only extra_env (the instance's entries) changes
  process::RestartParams restart;  // global backoff, the process's min_uptime
  // `listen:`: opened at the first spawn, passed to every run, closed once no run is up or coming.
  process::ListenSockets listen;
  // The `logging:` pipeline's compiled stages, shared by every instance and stream.
  std::shared_ptr<const process_logs::PipelineConfig> log_pipeline;
  std::string state;        // last published aggregate state
  std::deque<int> rolling;  // indexes still to restart, in order
  int rolling_current = -1;
  // config_test runs ahead of a restart, reload or configuration reload (engine_config_test.cc):
  uint32_t config_tests = 0;      // how many have ended
  std::string config_test_error;  // why the last one failed; "" after a pass
  bool stop_sent = false;         // shutdown: this process has been told to stop
  // Counts kept by Apply and the scale code, so that a turn looks only at processes with work
  // (a scan of every instance per wake-up would make a 500-instance shutdown O(n^2)).
  int starting = 0;  // instances in kStarting: waiting for their spawn
  int retiring = 0;  // instances marked retire, not yet removed
  // Dependencies (engine_dependencies.cc), while instances wait for them to spawn:
  bool waiting = false;                  // a wait has begun (logged once, timed)
  std::vector<std::string> waiting_for;  // dependencies whose condition is not met, config order
  std::string blocked;                   // why one of them can no longer meet it; "" if none
  bool dependency_timed_out = false;     // dependency_timeout passed: blocked until a start
  Loop::TimerId dependency_timer = 0;
};

// A dependency's condition, judged for a dependent that waits on it.
struct DependencyVerdict {
  enum Kind { kMet, kWaiting, kBlocked } kind = kMet;
  std::string reason;  // kBlocked: why it can no longer be met ("'redis' failed (exit code 1)")
};

// The signals the loop takes through signalfd (blocked in every thread): SIGCHLD, the stop
// signals, SIGHUP, and every other asynchronous signal whose default action would end the daemon,
// so that a stray `kill -ALRM` cannot leave the children unsupervised. Fault signals (SEGV, BUS,
// FPE, ILL, ABRT, TRAP, SYS) are left alone: they are synchronous, and blocking one does not keep
// a real fault from killing the process. glibc's internal signals 32 and 33 are left alone too.
void FillSupervisedSignals(sigset_t* set);
// Everything about a spawn that is the same for every instance of the process.
process::SpawnRequest SpawnRequestFor(const config::ProcessSpec& spec);
// global.log_buffer_lines, log_buffer_bytes and log_buffer_total_bytes.
process_logs::HistoryLimits HistoryLimitsFor(const config::GlobalSpec& global);
// "SIGTERM" for SIGTERM, "SIGRTMIN+3" for a real-time signal; "signal N" when unknown.
using process::SignalName;

// What the engine is wired to. The daemon's are real (supervisor.cc); unit tests pass fakes.
struct EngineIo {
  process::Spawner* spawner = nullptr;
  process::Children* children = nullptr;
  const TimeSource* time = nullptr;
  CommandInbox* inbox = nullptr;
  EventBus* bus = nullptr;
  SnapshotStore* snapshots = nullptr;
  std::atomic<bool>* stopping = nullptr;  // set once a shutdown begins: Control refuses commands
  // Reload (all optional; unit tests may leave them unset). SIGHUP calls `reload_signal` on the
  // loop thread (it must not block); `config_applied` runs on the loop thread once a reloaded
  // configuration is in force, before plugins hear of it; `reload_gate` counts the outcome.
  std::function<void()> reload_signal;
  std::function<void(const std::shared_ptr<const config::Config>& before,
                     const std::shared_ptr<const config::Config>& after)>
      config_applied;
  ReloadGate* reload_gate = nullptr;
  // What the processes wrote, kept per instance (optional: without it, output only reaches the
  // daemon's log). The engine registers instances and job runs, retires removed ones, and applies
  // reloaded limits; it must outlive the engine.
  process_logs::LogHistory* history = nullptr;
};

class Engine {
 public:
  Engine(std::shared_ptr<const config::Config> config, const EngineIo& io);
  // The config must outlive the engine.
  Engine(const config::Config& config, const EngineIo& io);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Before Start: `beat` runs on the loop thread every `interval` for as long as the loop turns
  // (the systemd watchdog: a wedged loop then stops pinging).
  void AddTicker(Millis interval, std::function<void()> beat);
  // Before Start, test hook only: the loop thread blocks for `duration`, once, `after` into the
  // run (PHPEEK_PM_TEST_LOOP_STALL; see test_hooks.h).
  void StallOnce(Millis after, Millis duration);

  // Start, then Step until the run is over. Returns the daemon's exit code.
  int Run();
  // Sets up the loop and starts the processes that start at boot.
  bool Start(std::string* err);
  // One turn: the work that is due, then one wait (`wait` false: only what is ready now). False
  // once the run is over (exit_code() is then final); not to be called again after that.
  bool Step(bool wait);
  int exit_code() const { return exit_code_; }

  // While leftovers remain in a shutdown, the sweep runs again this often: a process re-parented
  // to us wakes nothing, so it is looked for.
  static constexpr Millis kSweepEvery{100};
  // Children that outlive this much SIGKILL sweeping (stuck in the kernel, or invisible without
  // /proc) are left behind: the daemon exits rather than hang.
  static constexpr Millis kSweepGrace{5000};
  // While children are tracked (their exits come through pidfds), a SIGCHLD still asks for a walk
  // over every child, for orphans and stops: at most one walk this often.
  static constexpr Millis kDrainEvery{100};
  // How long an orphan's exit or a stop hidden behind a tracked exit's SIGCHLD may wait.
  static constexpr Millis kBackstopDrain{1000};
  // How stale the snapshot may get while a big scale-up's spawns are queued (see PublishLater).
  static constexpr Millis kPublishEveryInBacklog{100};

 private:
  // engine.cc
  bool OpenLoop(std::string* err);
  bool SetUp(std::string* err);
  void ArmTicker(size_t index);
  void Turn();
  void OnSignalFd();
  bool PublishLater() const;
  void LogIgnoredSignal(int sig, pid_t sender);
  bool CollectChildren();
  void CollectExited();
  void OnChildSignal();
  bool TrackedExit(const signalfd_siginfo& info);
  void ArmBackstopDrain();
  void DrainChildren();
  void OnChildChange(const process::ChildChange& change);
  void CheckAllEnded();
  void Finish(int exit_code);
  void EnterShutdown();
  bool Finished();
  void SweepLeftovers();
  bool OnlyHelpersLeft();
  Clock::time_point Now() const { return time_.Now(); }

  // engine_instance.cc
  void Apply(Process& p, Instance& inst, process::InstanceEvent event);
  void Perform(Process& p, Instance& inst, process::InstanceAction action);
  void SpawnPending();
  void Spawn(Process& p, Instance& inst);
  bool HoldListenSockets(Process& p, process::SpawnResult* failure);
  void ReleaseListenSockets(Process& p);
  void OnSpawnFailed(Process& p, Instance& inst, const process::SpawnResult& r);
  void OnExit(Process& p, Instance& inst, int status);
  void JudgeExit(Process& p, Instance& inst, bool success, process::Millis uptime,
                 const char* reason);
  void SetSuspended(Process& p, Instance& inst, bool suspended);
  void SendStopSignal(Process& p, Instance& inst);
  void SignalStop(Process& p, Instance& inst);
  void SignalStopNow(Process& p, Instance& inst);
  void WatchOutput(Process& p, Instance& inst, const process::SpawnResult& r);
  void LeaveState(Instance& inst, process::InstanceState next);

  // engine_health.cc
  void AttachHealthCheck(Process& p, Instance& inst);
  void FollowRun(Instance& inst, process::InstanceState old);
  void OnHealthOutcome(Process& p, Instance& inst, const health::Checker::Outcome& outcome);
  void RestartUnhealthy(Process& p, Instance& inst, const std::string& reason);
  bool EndHealthRestart(Process& p, Instance& inst, process::Millis uptime);
  static process::InstanceEvent ExitEvent(const Instance& inst, process::InstanceEvent event);
  void EndHealthChecks();
  void RefreshHealthStats();
  void FailFast(const Process& p, const Instance& inst);
  bool InstanceReady(const Instance& inst) const;
  bool ProcessReady(const Process& p) const;
  void FillHealth(const Instance& inst, InstanceStatus* out) const;
  void PublishReadiness(const std::vector<ProcessStatus>& all);

  // engine_hooks.cc
  void SetUpHooks();
  void RunBootHooks();
  bool HoldSpawnForHooks(Process& p, Instance& inst);
  void RunPostStartHooks(Process& p, Instance& inst);
  bool RunPreStopHooks(Process& p, Instance& inst);
  void RunPostStopHooks(Process& p, Instance& inst);
  void CheckPostStartHooks();
  void RunShutdownHooks();
  bool PostStopHooksDone();
  // Jobs pointing at `list`'s hooks: it must live as long as the configuration.
  std::vector<hooks::HookJob> InstanceHookJobs(Process& p, Instance& inst,
                                               std::span<const config::Hook> list,
                                               hooks::HookPoint point);
  Instance* InstanceById(Process& p, const std::string& id);
  void PublishHookEvent(const hooks::HookResult& r);

  // engine_control.cc
  void OnCommands();
  void ApplyCommand(const Command& c);
  void StartProcess(Process& p);
  void StopProcess(Process& p);
  void RestartProcess(Process& p);
  void ScaleProcess(Process& p, int n);
  // engine_signals.cc: reload_signal to each running instance (not ready again until its
  // readiness check passes), a signal to each instance's leader or group, forward_signals.
  void ReloadProcess(Process& p);
  void SignalProcess(Process& p, int sig, bool group);
  bool ForwardSignal(int sig);
  // engine_config_test.cc: `then` once p's config_test has passed (at once without one); on a
  // failure the running instances are left as they are and the failure is logged and published.
  void AfterConfigTest(Process& p, const char* action, std::function<void(Process&)> then);
  Instance& AddInstance(Process& p, int index);
  void AdvanceRolling(Process& p);
  void RemoveRetired(Process& p);
  void BeginShutdown();
  void KillAll();
  void StopReadyForShutdown();
  bool HasLiveInstance(const Process& p) const;

  // engine_dependencies.cc
  bool DependenciesMet(Process& p);
  DependencyVerdict JudgeDependency(const Process& q, config::DependencyCondition c) const;
  void BeginWait(Process& p, const std::vector<std::string>& waiting_for);
  void EndWait(Process& p);
  void Block(Process& p, const std::string& dependency, const std::string& reason);
  void StartDependencies(Process& p, int depth = 0);
  void RetryDependencies(Process& p);
  void FillDependencies(const Process& p, ProcessStatus* out) const;
  // engine_reload.cc
  std::unique_ptr<Process> MakeProcess(const config::ProcessSpec& spec);
  void OnReload(const Command& c);
  reload::ReloadResult ApplyReload(std::shared_ptr<const config::Config> next);
  void KeepProcess(Process& p, const config::ProcessSpec& spec, bool health_changed);
  void ReplaceHealthChecks(Process& p);
  void ApplyEnabled(Process& p, bool was_enabled);
  void RemoveProcess(std::unique_ptr<Process> p);
  void StopRemoved();
  void DropRemoved();
  void ReleaseRetiredConfigs();

  // engine_status.cc
  static const char* StateWord(const Instance& inst);
  std::string AggregateState(const Process& p) const;
  void PublishInstanceState(const Process& p, const Instance& inst, const char* old_state);
  void PublishStatus();
  void PublishDaemonEvent(EventType type);

  Process* FindProcess(const std::string& name);

  std::shared_ptr<const config::Config> config_;  // in force
  // Replaced by reloads, kept while something may still point into them (a removed process
  // stopping, a hook running, a removed job's run): released once nothing does.
  std::vector<std::shared_ptr<const config::Config>> retired_configs_;
  std::function<void()> reload_signal_;
  std::function<void(const std::shared_ptr<const config::Config>&,
                     const std::shared_ptr<const config::Config>&)>
      config_applied_;
  ReloadGate* reload_gate_ = nullptr;
  process_logs::LogHistory* history_ = nullptr;
  std::unique_ptr<JobRunner> jobs_;            // the processes with a `schedule`
  process::TrackingSpawner tracking_spawner_;  // wraps EngineIo's: every child we start is tracked
  process::Children* children_;
  const TimeSource& time_;
  CommandInbox* inbox_;
  EventBus* bus_;
  SnapshotStore* snapshots_;
  std::atomic<bool>* stopping_;
  Loop loop_;
  health::ProbeContext probes_;  // before processes_: their checkers use it until destroyed
  hooks::HookRunner hooks_;      // after loop_: it unwatches and cancels on the loop when destroyed
  int signal_fd_ = -1;
  std::string open_error_;  // OpenLoop failed in the constructor: Start reports it
  std::vector<std::unique_ptr<Process>> processes_;  // configuration order
  // Removed by a reload: stopped in reverse dependency order, gone from the snapshot, dropped once
  // at rest.
  std::vector<std::unique_ptr<Process>> removed_;
  struct Owner {
    Process* process;
    Instance* instance;
  };
  std::unordered_map<pid_t, Owner> by_pid_;
  bool spawn_backlog_ = false;    // spawns left for the next turn (big scale-up): do not sleep
  bool blocked_changed_ = false;  // a process became blocked: its dependents are judged again
  bool dirty_ = true;             // something changed: rebuild the snapshot
  Clock::time_point last_publish_{};
  bool shutting_down_ = false;
  bool killing_ = false;  // past the shutdown deadline, or a second stop signal: SIGKILL all
  Clock::time_point shutdown_deadline_{};
  Loop::TimerId sweep_timer_ = 0;
  // A SIGCHLD's walk over every child (CollectChildren) while children are tracked: at most one
  // per kDrainEvery; see OnChildSignal.
  Loop::TimerId drain_timer_ = 0;
  Loop::TimerId backstop_timer_ = 0;  // a walk after SIGCHLDs that each named a tracked exit
  Clock::time_point last_drain_{};
  // Lifecycle hooks (engine_hooks.cc).
  std::vector<Process*> boot_;       // the processes started at boot: global post-start waits
  bool boot_hooks_running_ = false;  // global pre-start: nothing is spawned until it has passed
  bool boot_failed_ = false;  // global pre-start failed or was cut short: no global stop hooks
  bool post_start_pending_ = false;  // global post-start waits for every boot process
  bool stop_hooks_running_ = false;  // global pre-stop: no stop signal until it has ended
  bool post_stop_started_ = false;
  bool abandoned_ = false;  // children survived SIGKILL sweeps for kSweepGrace: exit anyway
  // Leftovers (children that are not instances) already sent SIGTERM / SIGKILL, so that each is
  // told (and logged) once; forgotten when reaped, as the pid may be reused.
  std::unordered_set<pid_t> termed_, killed_;
  struct Ticker {
    Millis interval;
    std::function<void()> beat;
  };
  std::vector<Ticker> tickers_;
  struct IgnoredSignal {
    bool logged = false;
    Clock::time_point last{};
    uint64_t suppressed = 0;  // since the last line
  };
  std::unordered_map<int, IgnoredSignal> ignored_;
  Loop::TimerId health_stats_timer_ = 0;  // probe counters reach the snapshot at most once a second
  bool started_ = false;                  // Start ran: readiness is evaluated from then on
  bool readiness_known_ = false;          // a readiness was published
  bool ready_ = false;                    // the last one published
  Millis stall_after_{0}, stall_for_{0};
  int exit_code_ = 0;
  bool done_ = false;
};

}  // namespace phpeek::supervisor
