#include "core/process/helper_children.h"

#include <sys/wait.h>

#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>

namespace phpeek::process::helper_children {
namespace {

struct Registry {
  std::mutex mu;
  std::condition_variable exited;
  std::map<pid_t, std::optional<int>> helpers;  // pid -> status once reaped
};

Registry& Get() {
  static Registry* r = new Registry;  // never destroyed: helpers may be reaped during exit
  return *r;
}

}  // namespace

pid_t SpawnRegistered(const std::function<pid_t()>& spawn) {
  Registry& r = Get();
  std::lock_guard<std::mutex> lock(r.mu);
  const pid_t pid = spawn();
  if (pid > 0) r.helpers[pid] = std::nullopt;
  return pid;
}

bool Owns(pid_t pid) {
  Registry& r = Get();
  std::lock_guard<std::mutex> lock(r.mu);
  const auto it = r.helpers.find(pid);
  return it != r.helpers.end() && !it->second;
}

bool Any() {
  Registry& r = Get();
  std::lock_guard<std::mutex> lock(r.mu);
  return !r.helpers.empty();
}

bool OnExit(pid_t pid, int status) {
  Registry& r = Get();
  std::lock_guard<std::mutex> lock(r.mu);
  const auto it = r.helpers.find(pid);
  if (it == r.helpers.end()) return false;
  it->second = status;
  r.exited.notify_all();
  return true;
}

std::optional<int> WaitExit(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  Registry& r = Get();
  std::unique_lock<std::mutex> lock(r.mu);
  while (true) {
    const auto it = r.helpers.find(pid);
    if (it == r.helpers.end()) return std::nullopt;
    if (!it->second) {
      // No loop may be running (before or after the supervisor's run): reap it here. ECHILD means
      // the loop got it first; its OnExit then records the status.
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) it->second = status;
    }
    if (it->second) {
      const int status = *it->second;
      r.helpers.erase(it);
      return status;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    r.exited.wait_for(lock, std::chrono::milliseconds(10));
  }
}

}  // namespace phpeek::process::helper_children
