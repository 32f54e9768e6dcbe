#include "tests/unit/supervisor/fake_os.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>

namespace phpeek::testing {

process::SpawnResult FakeProcesses::Spawn(const process::SpawnRequest& request) {
  ++spawns_;
  requests_.push_back(request);
  process::SpawnResult r;
  if (fail_spawns_ > 0) {
    --fail_spawns_;
    r.error = ENOENT;
    r.error_text = "program '" + request.argv[0] + "' not found on PATH";
    return r;
  }
  const pid_t pid = next_pid_++;
  Proc p;
  p.pgid = pid;
  p.ignores_term = spawn_ignores_term_;
  for (const auto& kv : request.extra_env) {
    if (kv.rfind("PHPEEK_PM_INSTANCE_ID=", 0) == 0) p.name = kv.substr(22);
  }
  for (const auto& kv : request.env) {
    if (kv.rfind("PHPEEK_PM_HOOK_NAME=", 0) == 0) p.name = "hook:" + kv.substr(20);
  }
  procs_[pid] = p;
  r.pid = pid;
  return r;
}

bool FakeProcesses::Signal(pid_t pid, int sig) {
  signals_.emplace_back(pid, sig);
  std::vector<pid_t> targets;
  for (const auto& [p, proc] : procs_) {
    if (pid > 0 ? p == pid : proc.pgid == -pid) targets.push_back(p);
  }
  for (pid_t p : targets) {
    Proc& proc = procs_[p];
    const bool ends = sig == SIGTERM || sig == SIGINT || sig == SIGQUIT;
    if (sig == SIGKILL && !proc.unkillable) {
      End(p, sig);
    } else if (sig == SIGCONT && proc.stopped) {
      const bool end = proc.pending_end;
      Continue(p);
      if (end) End(p, SIGTERM);
    } else if (ends && !proc.ignores_term) {
      if (proc.stopped) {
        proc.pending_end = true;  // held until the process runs again
      } else {
        End(p, sig);
      }
    }
  }
  return !targets.empty();
}

process::Children::Collected FakeProcesses::Collect(process::ChildChange* out) {
  if (!changes_.empty()) {
    *out = changes_.front();
    changes_.erase(changes_.begin());
    return Collected::kChange;
  }
  return procs_.empty() ? Collected::kNoChildren : Collected::kNothing;
}

std::vector<pid_t> FakeProcesses::List() {
  std::vector<pid_t> out;
  for (const auto& [pid, proc] : procs_) out.push_back(pid);
  return out;
}

void FakeProcesses::Exit(pid_t pid, int code) { End(pid, W_EXITCODE(code, 0)); }

void FakeProcesses::KillBy(pid_t pid, int sig) { End(pid, sig); }

void FakeProcesses::Stop(pid_t pid) {
  procs_[pid].stopped = true;
  Queue(pid, W_STOPCODE(SIGSTOP));
}

void FakeProcesses::Continue(pid_t pid) {
  procs_[pid].stopped = false;
  Queue(pid, 0xffff);  // what WIFCONTINUED recognizes
}

pid_t FakeProcesses::AddOrphan(bool ignores_term) {
  const pid_t pid = next_pid_++;
  Proc p;
  p.pgid = pid;
  p.name = "orphan";
  p.ignores_term = ignores_term;
  procs_[pid] = p;
  return pid;
}

pid_t FakeProcesses::PidOf(const std::string& name) const {
  for (const auto& [pid, proc] : procs_) {
    if (proc.name == name) return pid;
  }
  return 0;
}

FakeProcesses::Proc* FakeProcesses::Find(pid_t pid) {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : &it->second;
}

size_t FakeProcesses::CountSignals(pid_t target, int sig) const {
  return static_cast<size_t>(
      std::count(signals_.begin(), signals_.end(), std::make_pair(target, sig)));
}

void FakeProcesses::Queue(pid_t pid, int status) {
  changes_.push_back({pid, status});
  // Thread-directed, to the test's thread, which runs the engine and blocks SIGCHLD: it stays
  // pending until the loop's signalfd reads it.
  pthread_kill(pthread_self(), SIGCHLD);
}

void FakeProcesses::End(pid_t pid, int status) {
  procs_.erase(pid);
  Queue(pid, status);
  auto it = std::find(orphan_on_death_.begin(), orphan_on_death_.end(), pid);
  if (it != orphan_on_death_.end()) {
    orphan_on_death_.erase(it);
    AddOrphan(true);
  }
}

}  // namespace phpeek::testing
