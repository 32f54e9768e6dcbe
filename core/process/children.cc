#include "core/process/children.h"

#include <dirent.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/crash/group_registry.h"

namespace phpeek::process {
namespace {

// The parent pid in /proc/<pid>/stat, or -1 when the process is gone or a zombie.
pid_t LiveParentOf(const char* pid) {
  std::ifstream in(std::string("/proc/") + pid + "/stat");
  std::string text;
  std::getline(in, text);
  // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so look after the last ')'.
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos || paren + 4 >= text.size()) return -1;
  if (text[paren + 2] == 'Z') return -1;  // already dead, only waiting to be reaped
  const size_t ppid_at = text.find(' ', paren + 2);
  if (ppid_at == std::string::npos) return -1;
  return static_cast<pid_t>(std::atoi(text.c_str() + ppid_at + 1));
}

}  // namespace

SystemChildren::SystemChildren() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {}

SystemChildren::~SystemChildren() {
  for (const auto& [pid, fd] : pidfds_) close(fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

bool SystemChildren::Signal(pid_t pid, int sig) { return kill(pid, sig) == 0; }

void SystemChildren::Untrack(pid_t pid) {
  if (auto it = pidfds_.find(pid); it != pidfds_.end()) {
    close(it->second);  // which also takes it out of the epoll set
    pidfds_.erase(it);
  }
}

// Every path that takes an exit goes through here, so the pidfd never outlives its child's pid.
void SystemChildren::Reaped(pid_t pid, int status, ChildChange* out) {
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    crash::UnregisterGroup(pid);
    Untrack(pid);
  }
  out->pid = pid;
  out->status = status;
}

Children::Collected SystemChildren::Collect(ChildChange* out) {
  while (true) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED);
    if (pid > 0) {
      Reaped(pid, status, out);
      return Collected::kChange;
    }
    if (pid == 0 || errno != EINTR) taken_by_pidfd_.clear();  // the walk saw every child
    if (pid == 0) return Collected::kNothing;
    if (errno != EINTR) return Collected::kNoChildren;  // ECHILD
  }
}

// Without pidfds (a kernel before 5.3, a seccomp filter, no descriptor left) the child is simply
// not tracked: SIGCHLD and Collect still find its exit.
void SystemChildren::Track(pid_t pid) {
  if (epoll_fd_ < 0 || pidfds_.count(pid)) return;
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));  // close-on-exec always
  if (fd < 0) return;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = static_cast<uint64_t>(fd) << 32 | static_cast<uint32_t>(pid);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close(fd);
    return;
  }
  pidfds_.emplace(pid, fd);
}

// The next exit epoll reported whose pidfd is still the one tracked for that pid (Collect may have
// reaped it since, and the pid may even belong to a new child by now).
bool SystemChildren::NextReady(pid_t* pid, int* pidfd) {
  while (true) {
    if (ready_.empty()) {
      epoll_event events[64];
      const int n = epoll_wait(epoll_fd_, events, 64, 0);
      if (n <= 0) return false;
      for (int i = n - 1; i >= 0; --i) ready_.push_back(events[i].data.u64);
    }
    const uint64_t key = ready_.back();
    ready_.pop_back();
    *pid = static_cast<pid_t>(key & 0xffffffffu);
    *pidfd = static_cast<int>(key >> 32);
    auto it = pidfds_.find(*pid);
    if (it != pidfds_.end() && it->second == *pidfd) return true;
  }
}

bool SystemChildren::ExitIsTracked(pid_t pid) {
  return pidfds_.count(pid) > 0 || taken_by_pidfd_.erase(pid) > 0;
}

// waitpid for one pid is O(1) in the kernel (do_wait_pid, Linux 5.14), unlike waitpid(-1).
bool SystemChildren::CollectExited(ChildChange* out) {
  if (epoll_fd_ < 0) return false;
  pid_t pid = 0;
  int pidfd = -1;
  while (NextReady(&pid, &pidfd)) {
    int status = 0;
    pid_t got = 0;
    do {
      got = waitpid(pid, &status, WNOHANG);
    } while (got < 0 && errno == EINTR);
    if (got == pid) {
      Reaped(pid, status, out);
      taken_by_pidfd_.insert(pid);
      return true;
    }
    if (got < 0) Untrack(pid);  // ECHILD: no longer ours to wait for; stop following it
  }
  return false;
}

std::vector<pid_t> SystemChildren::List() {
  std::vector<pid_t> out;
  const pid_t self = getpid();
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid > 0 && LiveParentOf(e->d_name) == self) out.push_back(pid);
  }
  closedir(dir);
  return out;
}

}  // namespace phpeek::process
