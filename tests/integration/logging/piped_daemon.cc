#include "tests/integration/logging/piped_daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace phpeek::testing {

PipedDaemon::PipedDaemon(const std::string& yaml) {
  const std::string config = dir_.Write("phpeek-pm.yaml", yaml);
  const std::string err_path = dir_.Join("stderr");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  read_fd_ = fds[0];
  write_probe_fd_ = fcntl(fds[1], F_DUPFD_CLOEXEC, 0);
  fcntl(read_fd_, F_SETFL, O_NONBLOCK);  // the test's end only; the daemon's end stays blocking
  std::vector<std::string> args{BinaryPath(), "serve", "-c", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) throw std::runtime_error(std::string("cannot spawn: ") + std::strerror(rc));
}

PipedDaemon::~PipedDaemon() {
  if (!exit_code_) {
    Signal(SIGTERM);
    if (!WaitExit(std::chrono::seconds(15), /*drain=*/true)) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  close(read_fd_);
  close(write_probe_fd_);
}

bool PipedDaemon::PipeFull() const {
  pollfd p{write_probe_fd_, POLLOUT, 0};
  return poll(&p, 1, 0) == 0;
}

void PipedDaemon::ReadAvailable() {
  char buf[65536];
  ssize_t n;
  while ((n = read(read_fd_, buf, sizeof buf)) > 0) output_.append(buf, static_cast<size_t>(n));
}

bool PipedDaemon::ReadUntil(const std::string& text, std::chrono::milliseconds deadline) {
  return WaitUntil(
      [&] {
        ReadAvailable();
        return output_.find(text) != std::string::npos;
      },
      deadline);
}

void PipedDaemon::Signal(int sig) const {
  if (!exit_code_) kill(pid_, sig);
}

std::optional<int> PipedDaemon::WaitExit(std::chrono::milliseconds deadline, bool drain) {
  if (exit_code_) return exit_code_;
  int status = 0;
  if (WaitUntil(
          [&] {
            if (drain) ReadAvailable();
            return waitpid(pid_, &status, WNOHANG) == pid_;
          },
          deadline)) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (drain) ReadAvailable();
  return exit_code_;
}

pid_t PipedDaemon::PidOf(const std::string& id) const {
  for (pid_t child : ChildrenOf(pid_)) {
    const auto env = EnvironOf(child);
    const auto it = env.find("PHPEEK_PM_INSTANCE_ID");
    if (it != env.end() && it->second == id) return child;
  }
  return 0;
}

}  // namespace phpeek::testing
