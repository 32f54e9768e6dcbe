#include "tests/support/test_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace phpeek::testing {
namespace {

std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) merged[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : merged) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Spawns argv with stdout/stderr redirected to the given fds (dup'ed in the child).
pid_t Spawn(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
            int out_fd, int err_fd) {
  std::vector<std::string> envs = MergedEnvironment(env);
  std::vector<char*> cargv = CStrings(argv);
  std::vector<char*> cenv = CStrings(envs);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot spawn " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/phpeek-test-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  const std::string full = Join(name);
  std::filesystem::create_directories(std::filesystem::path(full).parent_path());
  std::ofstream(full, std::ios::binary) << content;
  return full;
}

std::string UniqueMark() {
  return std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

size_t CountOf(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env,
                     std::chrono::milliseconds timeout) {
  TempDir dir;
  const std::string out_path = dir.Join("out");
  const std::string err_path = dir.Join("err");
  const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  const pid_t pid = Spawn(argv, env, out_fd, err_fd);
  close(out_fd);
  close(err_fd);
  RunResult result;
  int status = 0;
  const bool exited = WaitUntil([&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    result.exit_code = -1;
  } else {
    result.exit_code = DecodeStatus(status);
  }
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::string BinaryPath() {
  const char* other = std::getenv("PHPEEK_TEST_BINARY");
  return other && *other ? other : PHPEEK_BINARY;
}

Daemon::Daemon(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
               const std::vector<std::string>& wrapper) {
  log_path_ = dir_.Join("daemon.log");
  const int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  std::vector<std::string> argv = wrapper;
  argv.push_back(BinaryPath());
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = Spawn(argv, env, fd, fd);
  close(fd);
}

Daemon::~Daemon() {
  if (!running()) return;
  Signal(SIGTERM);
  if (!WaitExit(std::chrono::milliseconds(15000))) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string Daemon::Log() const { return ReadFile(log_path_); }

bool Daemon::LogContains(const std::string& text) const {
  return Log().find(text) != std::string::npos;
}

bool Daemon::WaitForLog(const std::string& text, std::chrono::milliseconds deadline) const {
  // Reads only what the log gained since the last look: a flooding child makes the log tens of
  // megabytes, and re-reading all of it every few milliseconds took the CPU the daemon under test
  // needed to write it. The window keeps the tail a match could start in.
  const int fd = open(log_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return WaitUntil([&] { return LogContains(text); }, deadline);
  std::string window;
  const bool found = WaitUntil(
      [&] {
        char buf[1 << 16];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) {
          window.append(buf, static_cast<size_t>(n));
          if (window.find(text) != std::string::npos) return true;
          if (window.size() >= text.size()) window.erase(0, window.size() - text.size() + 1);
        }
        return text.empty();
      },
      deadline);
  close(fd);
  return found;
}

void Daemon::Signal(int sig) const {
  if (!exit_code_) kill(pid_, sig);
}

std::optional<int> Daemon::WaitExit(std::chrono::milliseconds deadline) {
  if (exit_code_) return exit_code_;
  int status = 0;
  if (WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, deadline)) {
    exit_code_ = DecodeStatus(status);
  }
  return exit_code_;
}

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  const std::string text = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream in(text.substr(paren + 2));
  ProcStat st;
  in >> st.state >> st.ppid >> st.pgid;
  std::string skipped;  // session, tty, tpgid, flags, faults, times, priority (fields 6-18)
  for (int field = 6; field <= 18; ++field) in >> skipped;
  in >> st.nice;
  if (!in) return std::nullopt;
  return st;
}

bool ProcessExists(pid_t pid) {
  const auto st = ReadProcStat(pid);
  return st && st->state != 'Z' && st->state != 'X';
}

std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    const pid_t p = static_cast<pid_t>(std::atoi(e->d_name));
    if (p <= 0) continue;
    const auto st = ReadProcStat(p);
    if (st && st->ppid == pid && st->state != 'Z') out.push_back(p);
  }
  closedir(dir);
  return out;
}

std::vector<int> OpenFds(pid_t pid) {
  std::vector<int> out;
  const std::string path = "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = opendir(path.c_str());
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') out.push_back(std::atoi(e->d_name));
  }
  closedir(dir);
  return out;
}

std::vector<int> FdsSettlingTo(pid_t pid, const std::vector<int>& expected,
                               std::chrono::milliseconds deadline) {
  std::vector<int> fds;
  WaitUntil(
      [&] {
        fds = OpenFds(pid);
        std::sort(fds.begin(), fds.end());
        return fds == expected;
      },
      deadline);
  return fds;
}

std::map<std::string, std::string> EnvironOf(pid_t pid) {
  const std::string text = ReadFile("/proc/" + std::to_string(pid) + "/environ");
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    const std::string kv = text.substr(start, end - start);
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) out[kv.substr(0, eq)] = kv.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

ScopedNofileLimit::ScopedNofileLimit(rlim_t soft) {
  ::getrlimit(RLIMIT_NOFILE, &saved_);
  rlimit lowered = saved_;
  lowered.rlim_cur = soft;
  ok_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
}

ScopedNofileLimit::~ScopedNofileLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace phpeek::testing
