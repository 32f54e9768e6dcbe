// Engine set-up, the loop's turn, reaping, and the end of a run.
#include "core/supervisor/engine.h"

#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/log/log.h"
#include "core/process/environment.h"
#include "core/process/helper_children.h"
#include "core/supervisor/job_runner.h"

namespace phpeek::supervisor {
// Everything about a spawn that is the same for every instance of the process.
process::SpawnRequest SpawnRequestFor(const config::ProcessSpec& spec) {
  process::SpawnRequest req;
  req.argv = spec.command.argv;
  // The daemon's environment with the process's `env` laid over it (same key: the spec wins).
  req.env = process::OverlayEnvironment(process::DaemonEnvironment(), spec.env);
  req.env.push_back("PHPEEK_PM_PROCESS_NAME=" + spec.name);
  req.working_dir = spec.working_dir;
  req.run_as = spec.run_as;
  req.capture_stdout = spec.forward_stdout;
  req.capture_stderr = spec.forward_stderr;
  req.stop_signal = spec.shutdown.signal;
  return req;
}

process_logs::HistoryLimits HistoryLimitsFor(const config::GlobalSpec& global) {
  return {static_cast<size_t>(global.log_buffer_lines),
          static_cast<size_t>(global.log_buffer_bytes),
          static_cast<size_t>(global.log_buffer_total_bytes)};
}

void FillSupervisedSignals(sigset_t* set) {
  sigemptyset(set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM,
                SIGPROF, SIGIO, SIGXCPU, SIGXFSZ, SIGPWR, SIGSTKFLT, SIGWINCH, SIGTTIN, SIGTTOU}) {
    sigaddset(set, s);
  }
  for (int s = SIGRTMIN; s <= SIGRTMAX; ++s) sigaddset(set, s);
}

Engine::Engine(const config::Config& config, const EngineIo& io)
    : Engine(std::shared_ptr<const config::Config>(&config, [](const config::Config*) {}), io) {}

Engine::Engine(std::shared_ptr<const config::Config> config, const EngineIo& io)
    : config_(std::move(config)),
      reload_signal_(io.reload_signal),
      config_applied_(io.config_applied),
      reload_gate_(io.reload_gate),
      history_(io.history),
      tracking_spawner_(*io.spawner, *io.children),
      children_(io.children),
      time_(*io.time),
      inbox_(io.inbox),
      bus_(io.bus),
      snapshots_(io.snapshots),
      stopping_(io.stopping),
      loop_(*io.time),
      probes_(loop_, tracking_spawner_, *io.children),
      hooks_(&tracking_spawner_, io.children, &loop_, io.history) {
  jobs_ = std::make_unique<JobRunner>(
      JobRunner::Io{&loop_, &tracking_spawner_, children_, &time_, bus_, history_},
      [this] { dirty_ = true; });
  for (const auto& spec : config_->processes) processes_.push_back(MakeProcess(spec));
  for (auto& p : processes_) p->state = AggregateState(*p);
  SetUpHooks();
  PublishStatus();
  if (open_error_.empty()) OpenLoop(&open_error_);  // sets the error on failure; Start reports it
}

// A process as the configuration describes it, with its instances (not started) or its job.
std::unique_ptr<Process> Engine::MakeProcess(const config::ProcessSpec& spec) {
  auto p = std::make_unique<Process>();
  p->spec = &spec;
  p->desired = spec.scale;
  p->held = !spec.enabled || spec.initial_state == config::InitialState::kStopped;
  p->request = SpawnRequestFor(spec);
  p->restart = process::RestartParamsFor(config_->global, spec);
  p->log_pipeline = process_logs::PipelineConfig::Make(spec.logging);
  if (spec.schedule.empty()) {
    for (int i = 0; i < spec.scale; ++i) AddInstance(*p, i);
  } else if (open_error_.empty()) {
    // A scheduled job has runs, not instances: held, with nothing to keep up.
    p->desired = 0;
    p->held = true;
    jobs_->Add(spec, config_->global, p->request, &open_error_);
  }
  return p;
}

Engine::~Engine() {
  if (signal_fd_ >= 0) close(signal_fd_);
}

void Engine::AddTicker(Millis interval, std::function<void()> beat) {
  tickers_.push_back(Ticker{interval, std::move(beat)});
}

void Engine::StallOnce(Millis after, Millis duration) {
  stall_after_ = after;
  stall_for_ = duration;
}

// The loop's descriptors are taken when the engine is built, before plugins start serving (a
// flood of connections can then meet the descriptor limit without costing the daemon its loop).
bool Engine::OpenLoop(std::string* err) {
  if (!loop_.Init(err)) return false;
  sigset_t set;
  FillSupervisedSignals(&set);
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ < 0) {
    *err = std::string("cannot create signalfd: ") + std::strerror(errno);
    return false;
  }
  loop_.Watch(signal_fd_, EPOLLIN, [this](uint32_t) { OnSignalFd(); });
  loop_.Watch(inbox_->fd(), EPOLLIN, [this](uint32_t) { OnCommands(); });
  if (const int exits = children_->ExitFd(); exits >= 0) {
    loop_.Watch(exits, EPOLLIN, [this](uint32_t) { CollectExited(); });
  }
  return jobs_->Init(err);
}

bool Engine::SetUp(std::string* err) {
  if (!open_error_.empty()) {
    *err = open_error_;
    return false;
  }
  sigset_t set;
  FillSupervisedSignals(&set);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // An inherited SIGCHLD=SIG_IGN would make the kernel reap for us and hide exit statuses.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &dfl, nullptr);
  // As PID 1 orphans come to us anyway; otherwise ask for them, so none is left unreaped.
  if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    log::Warn("cannot become a child subreaper", {{"error", std::strerror(errno)}});
  }
  for (size_t i = 0; i < tickers_.size(); ++i) ArmTicker(i);
  if (stall_for_.count() > 0) {
    loop_.AddTimer(Now() + stall_after_, [this] {
      log::Warn("test hook: the loop thread blocks", {{"for_ms", stall_for_.count()}});
      log::Flush();
      std::this_thread::sleep_for(stall_for_);
      log::Warn("test hook: the loop thread goes on");
    });
  }
  return true;
}

// Re-armed from the time it ran, so that a loop that was held up does not fire a burst after.
void Engine::ArmTicker(size_t index) {
  loop_.AddTimer(Now() + tickers_[index].interval, [this, index] {
    tickers_[index].beat();
    ArmTicker(index);
  });
}

bool Engine::Start(std::string* err) {
  if (!SetUp(err)) return false;
  started_ = true;
  for (auto& p : processes_) {
    if (p->held) continue;
    boot_.push_back(p.get());
    for (auto& inst : p->instances) Apply(*p, *inst, process::InstanceEvent::kStart);
  }
  RunBootHooks();  // the spawns wait for the global pre-start hooks
  // A turn's log lines (hundreds in a big start or shutdown) go out in a few writes, flushed before
  // the loop waits; errors are still written at once.
  log::SetBatching(true);
  return true;
}

bool Engine::Step(bool wait) {
  Turn();
  if (done_) {
    PublishStatus();
    log::SetBatching(false);
    return false;
  }
  log::Flush();
  loop_.RunOnce(wait && !spawn_backlog_);
  return true;
}

int Engine::Run() {
  std::string err;
  if (!Start(&err)) {
    log::Error(err);
    return 1;
  }
  while (Step(true)) {
  }
  return exit_code_;
}

// The work that follows whatever woke the loop: queued spawns, shutdown order, rolling restarts,
// retired instances, the end-of-run checks and the snapshot.
void Engine::Turn() {
  jobs_->Poll();
  SpawnPending();
  CheckPostStartHooks();
  if (shutting_down_) StopReadyForShutdown();
  for (auto& p : processes_) {
    AdvanceRolling(*p);
    RemoveRetired(*p);
    ReleaseListenSockets(*p);
  }
  StopRemoved();
  DropRemoved();
  ReleaseRetiredConfigs();
  if (!shutting_down_) CheckAllEnded();
  if (dirty_ && !PublishLater()) PublishStatus();
  bus_->Deliver();  // the events that changed nothing in the snapshot (hooks, job output, ...)
  done_ = Finished();
}

// The snapshot is rebuilt whole (O(instances)); a big scale-up spawns 64 per turn, so publishing
// every turn made it O(n^2). While spawns are queued it is published at most every
// kPublishEveryInBacklog, and at once when the queue is empty.
bool Engine::PublishLater() const {
  return spawn_backlog_ && Now() - last_publish_ < kPublishEveryInBacklog;
}

void Engine::OnSignalFd() {
  signalfd_siginfo info;
  bool child = false;
  bool tracked_exit = false;
  while (read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    const int sig = static_cast<int>(info.ssi_signo);
    switch (sig) {
      case SIGCHLD:  // coalesced: one reap loop takes all
        if (TrackedExit(info)) {
          tracked_exit = true;
        } else {
          child = true;
        }
        break;
      case SIGTERM:
      case SIGINT:
      case SIGQUIT:
        if (shutting_down_ && sig != SIGQUIT) {
          log::Warn("second stop signal: killing every process now", {{"signal", SignalName(sig)}});
          KillAll();
        } else {
          log::Info("stop signal received", {{"signal", SignalName(sig)}});
          BeginShutdown();
        }
        break;
      case SIGHUP:
        if (reload_signal_) {
          log::Info("SIGHUP received: reloading the configuration");
          reload_signal_();  // loads off this thread; the loop applies it (OnReload)
        } else {
          log::Warn("SIGHUP received; this daemon has no configuration file to reload");
        }
        break;
      default:
        if (!ForwardSignal(sig)) LogIgnoredSignal(sig, static_cast<pid_t>(info.ssi_pid));
        break;
    }
  }
  if (child) {
    OnChildSignal();
  } else if (tracked_exit) {
    ArmBackstopDrain();
  }
}

// A signal no process forwards (forward_signals) is ignored and logged: at most one line per
// signal and second: a flood must not flood the log, and a signal that our own log write raises
// (SIGXFSZ past RLIMIT_FSIZE) must not feed itself.
void Engine::LogIgnoredSignal(int sig, pid_t sender) {
  IgnoredSignal& seen = ignored_[sig];
  const Clock::time_point now = Now();
  if (seen.logged && now - seen.last < std::chrono::seconds(1)) {
    ++seen.suppressed;
    return;
  }
  log::Warn("signal ignored", {{"signal", SignalName(sig)},
                               {"sender_pid", static_cast<int64_t>(sender)},
                               {"also_ignored_since_last_line", seen.suppressed}});
  seen = IgnoredSignal{true, now, 0};
}

// Takes every change of a child that is ready; returns true while children (instances or orphans)
// remain.
bool Engine::CollectChildren() {
  process::ChildChange change;
  while (true) {
    switch (children_->Collect(&change)) {
      case process::Children::Collected::kNothing:
        return true;
      case process::Children::Collected::kNoChildren:
        return false;
      case process::Children::Collected::kChange:
        OnChildChange(change);
        break;
    }
  }
}

// The exits of tracked children, O(1) each.
void Engine::CollectExited() {
  process::ChildChange change;
  while (children_->CollectExited(&change)) OnChildChange(change);
}

// Every exit raises a SIGCHLD, and SIGCHLDs coalesce, so one cannot tell which children it is
// for: the walk over every child (waitpid(-1), O(children) in the kernel per call) is what finds
// orphans and stops. Alone it made a mass exit O(n^2); with tracked children the exits come
// through their pidfds, and the walk runs at once when the last one is older than kDrainEvery,
// otherwise when that much has passed (an orphan or a stop waits for it at most that long).
void Engine::OnChildSignal() {
  if (children_->tracked() == 0) {
    CollectChildren();
    return;
  }
  if (drain_timer_ != 0) return;
  const Clock::time_point due = last_drain_ + kDrainEvery;
  if (Now() >= due) {
    DrainChildren();
    return;
  }
  drain_timer_ = loop_.AddTimer(due, [this] {
    drain_timer_ = 0;
    DrainChildren();
  });
}

// Tracked exits first: each waitpid(-1) walks past every live child to the first with news, so
// the walk must find only what no pidfd reports (a mass exit taken by it was O(n^2) again).
// A SIGCHLD for the exit of a child whose pidfd reports it asks for no walk. SIGCHLDs coalesce,
// though: one may stand for an orphan's exit or a stop as well, so a walk follows within
// kBackstopDrain of the last such signal.
bool Engine::TrackedExit(const signalfd_siginfo& info) {
  const int code = info.ssi_code;
  const bool exit = code == CLD_EXITED || code == CLD_KILLED || code == CLD_DUMPED;
  return exit && children_->ExitIsTracked(static_cast<pid_t>(info.ssi_pid));
}

void Engine::ArmBackstopDrain() {
  if (backstop_timer_ != 0) return;
  backstop_timer_ = loop_.AddTimer(Now() + kBackstopDrain, [this] {
    backstop_timer_ = 0;
    DrainChildren();
  });
}

void Engine::DrainChildren() {
  last_drain_ = Now();
  CollectExited();
  CollectChildren();
}

void Engine::OnChildChange(const process::ChildChange& change) {
  auto it = by_pid_.find(change.pid);
  const Owner* owner = it == by_pid_.end() ? nullptr : &it->second;
  if (WIFSTOPPED(change.status) || WIFCONTINUED(change.status)) {
    if (owner) SetSuspended(*owner->process, *owner->instance, WIFSTOPPED(change.status));
    return;  // an orphan's stops are none of our business; the sweep sends SIGCONT anyway
  }
  termed_.erase(change.pid);
  killed_.erase(change.pid);
  if (!owner) {
    if (probes_.exec_children.OnExit(change.pid, change.status)) return;  // an exec probe
    if (hooks_.OnChildExit(change.pid, change.status)) return;
    if (jobs_->OnChildChange(change)) return;
    if (process::helper_children::OnExit(change.pid, change.status)) return;  // a plugin host
    log::Debug("reaped orphan", {{"pid", change.pid}});
    return;
  }
  const Owner o = *owner;
  OnExit(*o.process, *o.instance, change.status);
}

// Never while a scheduled job exists: its next tick is work to come.
void Engine::CheckAllEnded() {
  if (!jobs_->empty()) return;
  bool any = false;
  bool failed = false;
  for (const auto& p : processes_) {
    if (!p->spec->enabled) continue;
    if (p->held || p->desired == 0) return;  // waits for a command
    for (const auto& inst : p->instances) {
      if (!process::IsAtRest(inst->state) || inst->intentional) return;
      any = true;
      failed = failed || inst->state == process::InstanceState::kFailed;
    }
  }
  if (!any) return;
  (failed ? log::Error : log::Info)("every process has ended; exiting",
                                    {{"exit_code", failed ? 1 : 0}});
  Finish(failed ? 1 : 0);
}

void Engine::Finish(int exit_code) {
  exit_code_ = exit_code;
  EnterShutdown();
}

// Refuses new commands from now on and bounds what is left by global.shutdown_timeout.
void Engine::EnterShutdown() {
  shutting_down_ = true;
  stopping_->store(true);
  shutdown_deadline_ = Now() + config_->global.shutdown_timeout;
  loop_.AddTimer(shutdown_deadline_, [this] {
    log::Warn("shutdown timeout reached; killing what is left");
    KillAll();
  });
  RunShutdownHooks();
}

// True once shutting down, every instance is gone and no child of ours is left.
bool Engine::Finished() {
  if (!shutting_down_) return false;
  if (abandoned_) return true;
  for (const auto& p : processes_) {
    if (HasLiveInstance(*p)) return false;
  }
  for (const auto& p : removed_) {
    if (HasLiveInstance(*p)) return false;
  }
  if (!PostStopHooksDone()) return false;
  if (jobs_->HasLiveRuns()) return false;
  if (!CollectChildren() || OnlyHelpersLeft()) return true;
  SweepLeftovers();
  return false;
}

// The plugin hosts of isolated plugins outlive the run (the plugin host stops them after it): a
// shutdown does not wait for them.
bool Engine::OnlyHelpersLeft() {
  if (!process::helper_children::Any()) return false;
  for (pid_t pid : children_->List()) {
    if (!process::helper_children::Owns(pid)) return false;
  }
  return true;
}

// Children that are not instances: orphans re-parented to us (a daemonized grandchild, what is
// left of a process group). Before the deadline each is sent SIGTERM once (and SIGCONT, in case it
// is stopped); after it, SIGKILL at every sweep, until none is left.
void Engine::SweepLeftovers() {
  for (pid_t pid : children_->List()) {
    if (by_pid_.count(pid) || hooks_.Owns(pid) || jobs_->Owns(pid)) continue;
    if (process::helper_children::Owns(pid)) continue;  // stopped by the plugin host, after Run
    if (!killing_ && probes_.exec_children.Owns(pid)) continue;  // a probe, already killed
    if (killing_) {
      if (killed_.insert(pid).second) {
        log::Info("signalling leftover process", {{"pid", pid}, {"signal", "SIGKILL"}});
      }
      children_->Signal(pid, SIGKILL);
    } else if (termed_.insert(pid).second) {
      log::Info("signalling leftover process", {{"pid", pid}, {"signal", "SIGTERM"}});
      children_->Signal(pid, SIGTERM);
      children_->Signal(pid, SIGCONT);
    }
  }
  // Nothing to do when it fires: the turn that follows every wake-up sweeps again.
  if (sweep_timer_ == 0) {
    sweep_timer_ = loop_.AddTimer(Now() + kSweepEvery, [this] { sweep_timer_ = 0; });
  }
}

Process* Engine::FindProcess(const std::string& name) {
  for (auto& p : processes_) {
    if (p->spec->name == name) return p.get();
  }
  return nullptr;
}

}  // namespace phpeek::supervisor
