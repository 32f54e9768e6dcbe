#include "core/process/spawn_support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace phpeek::process {

std::string SearchPath(const std::vector<std::string>& env) {
  for (const auto& kv : env) {
    if (kv.rfind("PATH=", 0) == 0) return kv.substr(5);
  }
  return "/usr/local/bin:/usr/bin:/bin";
}

CStringArray::CStringArray(const std::vector<std::string>& strings,
                           const std::vector<std::string>& more) {
  ptrs_.reserve(strings.size() + more.size() + 1);
  for (const auto& s : strings) ptrs_.push_back(const_cast<char*>(s.c_str()));
  for (const auto& s : more) ptrs_.push_back(const_cast<char*>(s.c_str()));
  ptrs_.push_back(nullptr);
}

Pipe::~Pipe() {
  if (read_fd >= 0) close(read_fd);
  if (write_fd >= 0) close(write_fd);
}

bool Pipe::Open() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  read_fd = fds[0];
  write_fd = fds[1];
  return fcntl(read_fd, F_SETFL, O_NONBLOCK) == 0;
}

int Pipe::TakeReadEnd() {
  const int fd = read_fd;
  read_fd = -1;
  return fd;
}

bool ResolveProgram(const std::string& argv0, const std::vector<std::string>& env,
                    std::string* path) {
  if (argv0.find('/') != std::string::npos) {
    *path = argv0;
    return true;
  }
  const std::string dirs = SearchPath(env);
  std::string not_executable;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + argv0;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (access(candidate.c_str(), X_OK) == 0) {
        *path = candidate;
        return true;
      }
      if (not_executable.empty()) not_executable = candidate;
    }
    start = end + 1;
  }
  if (not_executable.empty()) return false;
  *path = not_executable;
  return true;
}

}  // namespace phpeek::process
