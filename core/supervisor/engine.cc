// Engine set-up, the loop's turn, reaping, and the end of a run.
#include "core/supervisor/engine.h"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>

#include "core/log/log.h"

extern char** environ;

namespace phpeek::supervisor {
namespace {

// The daemon's environment with the process's `env` laid over it (same key: the spec wins).
std::vector<std::string> MergedEnvironment(const config::ProcessSpec& spec) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq) merged[std::string(*e, static_cast<size_t>(eq - *e))] = eq + 1;
  }
  for (const auto& [k, v] : spec.env) merged[k] = v;
  std::vector<std::string> out;
  out.reserve(merged.size() + 3);
  for (const auto& [k, v] : merged) out.push_back(k + "=" + v);
  return out;
}

// Everything about a spawn that is the same for every instance of the process.
process::SpawnRequest SpawnRequestFor(const config::ProcessSpec& spec) {
  process::SpawnRequest req;
  req.argv = spec.command.argv;
  req.env = MergedEnvironment(spec);
  req.env.push_back("PHPEEK_PM_PROCESS_NAME=" + spec.name);
  req.working_dir = spec.working_dir;
  req.run_as = spec.run_as;
  req.capture_stdout = spec.forward_stdout;
  req.capture_stderr = spec.forward_stderr;
  return req;
}

// Children of this process that are not instances (re-parented orphans), from /proc.
std::vector<pid_t> ChildrenOfSelf() {
  std::vector<pid_t> out;
  const std::string self = std::to_string(getpid());
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string text;
    std::getline(in, text);
    const size_t paren = text.rfind(')');
    if (paren == std::string::npos || paren + 4 >= text.size()) continue;
    if (text[paren + 2] == 'Z') continue;  // already dead, only waiting to be reaped
    const size_t ppid_at = text.find(' ', paren + 2);
    if (ppid_at == std::string::npos) continue;
    if (std::atoi(text.c_str() + ppid_at + 1) == std::atoi(self.c_str())) out.push_back(pid);
  }
  closedir(dir);
  return out;
}

}  // namespace

void FillSupervisedSignals(sigset_t* set) {
  sigemptyset(set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH}) {
    sigaddset(set, s);
  }
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

Engine::Engine(const config::Config& config, process::Spawner* spawner, CommandInbox* inbox,
               EventBus* bus, SnapshotStore* snapshots, std::atomic<bool>* stopping)
    : config_(config),
      spawner_(spawner),
      inbox_(inbox),
      bus_(bus),
      snapshots_(snapshots),
      stopping_(stopping),
      restart_(process::RestartParamsFrom(config.global)) {
  for (const auto& spec : config.processes) {
    auto p = std::make_unique<Process>();
    p->spec = &spec;
    p->desired = spec.scale;
    // Scheduled (cron) jobs are not supervised processes; until the scheduler exists they are
    // listed and wait for a command instead of being restarted in a loop.
    p->held = !spec.enabled || spec.initial_state == config::InitialState::kStopped ||
              !spec.schedule.empty();
    p->request = SpawnRequestFor(spec);
    for (int i = 0; i < spec.scale; ++i) AddInstance(*p, i);
    processes_.push_back(std::move(p));
  }
  for (auto& p : processes_) p->state = AggregateState(*p);
  PublishStatus();
}

Engine::~Engine() {
  if (signal_fd_ >= 0) close(signal_fd_);
}

bool Engine::SetUp(std::string* err) {
  if (!loop_.Init(err)) return false;
  sigset_t set;
  FillSupervisedSignals(&set);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // An inherited SIGCHLD=SIG_IGN would make the kernel reap for us and hide exit statuses.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &dfl, nullptr);
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ < 0) {
    *err = std::string("cannot create signalfd: ") + std::strerror(errno);
    return false;
  }
  loop_.Watch(signal_fd_, EPOLLIN, [this](uint32_t) { OnSignalFd(); });
  loop_.Watch(inbox_->fd(), EPOLLIN, [this](uint32_t) { OnCommands(); });
  // As PID 1 orphans come to us anyway; otherwise ask for them, so none is left unreaped.
  if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    log::Warn("cannot become a child subreaper", {{"error", std::strerror(errno)}});
  }
  return true;
}

int Engine::Run() {
  std::string err;
  if (!SetUp(&err)) {
    log::Error(err);
    return 1;
  }
  for (auto& p : processes_) {
    if (p->held) continue;
    for (auto& inst : p->instances) Apply(*p, *inst, process::InstanceEvent::kStart);
  }
  // A turn's log lines (hundreds in a big start or shutdown) go out in a few writes, flushed before
  // the loop waits; errors are still written at once.
  log::SetBatching(true);
  while (true) {
    Turn();
    if (done_) break;
    log::Flush();
    loop_.RunOnce(!spawn_backlog_);
  }
  PublishStatus();
  log::SetBatching(false);
  return exit_code_;
}

// The work that follows whatever woke the loop: queued spawns, shutdown order, rolling restarts,
// retired instances, the end-of-run checks and the snapshot.
void Engine::Turn() {
  SpawnPending();
  if (shutting_down_) StopReadyForShutdown();
  for (auto& p : processes_) {
    AdvanceRolling(*p);
    RemoveRetired(*p);
  }
  if (!shutting_down_) CheckAllEnded();
  if (dirty_) PublishStatus();
  done_ = Finished();
}

void Engine::OnSignalFd() {
  signalfd_siginfo info;
  bool child = false;
  while (read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    const int sig = static_cast<int>(info.ssi_signo);
    switch (sig) {
      case SIGCHLD: child = true; break;  // coalesced: one reap loop takes all
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
        log::Warn("SIGHUP received; configuration reload is not implemented yet, continuing");
        break;
      default: ForwardSignal(sig); break;
    }
  }
  if (child) ReapChildren();
}

// Reaps every exited child; returns true while children (instances or orphans) remain.
bool Engine::ChildrenRemain() {
  while (true) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0) return true;
    if (pid < 0) return errno == EINTR;
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) {
      log::Debug("reaped orphan", {{"pid", pid}});
      continue;
    }
    const Owner owner = it->second;
    OnExit(*owner.process, *owner.instance, status);
  }
}

void Engine::ReapChildren() { ChildrenRemain(); }

void Engine::CheckAllEnded() {
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
  shutdown_deadline_ = Clock::now() + config_.global.shutdown_timeout;
  loop_.AddTimer(shutdown_deadline_, [this] {
    log::Warn("shutdown timeout reached; killing what is left");
    KillAll();
  });
}

void Engine::SignalLeftovers(int sig) {
  for (pid_t pid : ChildrenOfSelf()) {
    if (by_pid_.count(pid)) continue;
    log::Info("signalling leftover process", {{"pid", pid}, {"signal", SignalName(sig)}});
    kill(pid, sig);
  }
}

// True once shutting down, every instance is gone and no child of ours is left.
bool Engine::Finished() {
  if (!shutting_down_) return false;
  for (const auto& p : processes_) {
    if (HasLiveInstance(*p)) return false;
  }
  if (!ChildrenRemain()) return true;
  if (!leftovers_signalled_) {
    leftovers_signalled_ = true;
    SignalLeftovers(SIGTERM);  // re-parented orphans outside every instance's group
  }
  return false;  // their SIGCHLD, or the shutdown deadline (SIGKILL), wakes us
}

Process* Engine::FindProcess(const std::string& name) {
  for (auto& p : processes_) {
    if (p->spec->name == name) return p.get();
  }
  return nullptr;
}

}  // namespace phpeek::supervisor
