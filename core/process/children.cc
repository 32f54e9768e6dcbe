#include "core/process/children.h"

#include <dirent.h>
#include <signal.h>
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

bool SystemChildren::Signal(pid_t pid, int sig) { return kill(pid, sig) == 0; }

Children::Collected SystemChildren::Collect(ChildChange* out) {
  while (true) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED);
    if (pid > 0) {
      if (WIFEXITED(status) || WIFSIGNALED(status)) crash::UnregisterGroup(pid);
      out->pid = pid;
      out->status = status;
      return Collected::kChange;
    }
    if (pid == 0) return Collected::kNothing;
    if (errno != EINTR) return Collected::kNoChildren;  // ECHILD
  }
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
