#include "core/health/exec_probe.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace phpeek::health {

void ProbeChildren::Abandon(pid_t pid) {
  live_.erase(pid);
  abandoned_.insert(pid);
}

bool ProbeChildren::OnExit(pid_t pid, int status) {
  if (abandoned_.erase(pid) > 0) return true;
  const auto it = live_.find(pid);
  if (it == live_.end()) return false;
  ExecProbe* probe = it->second;
  live_.erase(it);
  probe->OnExit(status);
  return true;
}

ExecProbe::ExecProbe(supervisor::Loop& loop, process::Spawner& spawner, process::Children& children,
                     ProbeChildren& registry, process::SpawnRequest request)
    : loop_(loop),
      spawner_(spawner),
      children_(children),
      registry_(registry),
      request_(std::move(request)) {}

ExecProbe::~ExecProbe() { Cancel(); }

void ExecProbe::Start(Done done) {
  output_.clear();
  const process::SpawnResult r = spawner_.Spawn(request_);
  if (r.pid <= 0) {
    done(ProbeResult{false, "cannot start the check command: " + r.error_text});
    return;
  }
  done_ = std::move(done);
  pid_ = r.pid;
  registry_.Add(pid_, this);
  if (r.stdout_fd >= 0) WatchOutput(r.stdout_fd);
  if (r.stderr_fd >= 0) WatchOutput(r.stderr_fd);
}

void ExecProbe::Cancel() {
  CloseOutput();
  done_ = nullptr;
  if (pid_ <= 0) return;
  children_.Signal(-pid_, SIGKILL);  // the whole group: a shell and what it started
  registry_.Abandon(pid_);
  pid_ = 0;
}

void ExecProbe::OnExit(int status) {
  const pid_t pid = pid_;
  pid_ = 0;
  children_.Signal(-pid, SIGKILL);  // whatever it left behind in its group goes with it
  for (int fd : fds_) {
    if (fd >= 0) ReadOutput(fd);  // what it wrote before exiting
  }
  CloseOutput();
  Done done = std::move(done_);
  done_ = nullptr;
  if (!done) return;
  std::string detail;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    done(ProbeResult{true, ""});
    return;
  }
  if (WIFSIGNALED(status)) {
    detail = "killed by signal " + std::to_string(WTERMSIG(status));
  } else {
    detail = "exit code " + std::to_string(WEXITSTATUS(status));
  }
  const std::string line = FirstLine();
  if (!line.empty()) detail += ": " + line;
  done(ProbeResult{false, std::move(detail)});
}

void ExecProbe::WatchOutput(int fd) {
  int& slot = fds_[0] < 0 ? fds_[0] : fds_[1];
  slot = fd;
  loop_.Watch(fd, EPOLLIN, [this, fd](uint32_t) { ReadOutput(fd); });
}

// Reads what is there; keeps the first kMaxOutput bytes, drops the rest (the pipe must be drained
// or a chatty check would block on a full pipe and time out).
void ExecProbe::ReadOutput(int fd) {
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) {  // closed: nothing more will come
        loop_.Unwatch(fd);
        for (int& slot : fds_) {
          if (slot == fd) slot = -1;
        }
        close(fd);
      }
      return;
    }
    const size_t room = kMaxOutput - std::min(kMaxOutput, output_.size());
    output_.append(buffer, std::min(room, static_cast<size_t>(n)));
  }
}

void ExecProbe::CloseOutput() {
  for (int& fd : fds_) {
    if (fd < 0) continue;
    loop_.Unwatch(fd);
    close(fd);
    fd = -1;
  }
}

// The first non-empty line, without control characters, for a log field.
std::string ExecProbe::FirstLine() const {
  size_t begin = output_.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = output_.find_first_of("\r\n", begin);
  std::string line =
      output_.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return line;
}

}  // namespace phpeek::health
