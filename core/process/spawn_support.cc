#include "core/process/spawn_support.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace phpeek::process {
namespace {

bool ParseId(const std::string& text, unsigned long* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  *out = std::strtoul(text.c_str(), nullptr, 10);
  return true;
}

}  // namespace

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

bool ResolveCredentials(const std::string& user, const std::string& group, Credentials* cred,
                        std::string* err) {
  unsigned long id = 0;
  cred->uid = getuid();
  cred->gid = getgid();
  std::string user_name;
  if (!user.empty()) {
    struct passwd pw, *found = nullptr;
    char buf[4096];
    const bool numeric = ParseId(user, &id);
    const int rc = numeric ? getpwuid_r(static_cast<uid_t>(id), &pw, buf, sizeof buf, &found)
                           : getpwnam_r(user.c_str(), &pw, buf, sizeof buf, &found);
    if (found) {
      cred->uid = pw.pw_uid;
      cred->gid = pw.pw_gid;
      user_name = pw.pw_name;
    } else if (numeric) {
      cred->uid = static_cast<uid_t>(id);  // a uid without a passwd entry is still usable
    } else {
      *err = "unknown user '" + user + "'" + (rc ? std::string(": ") + std::strerror(rc) : "");
      return false;
    }
  }
  if (!group.empty()) {
    struct group gr, *found = nullptr;
    char buf[4096];
    if (ParseId(group, &id)) {
      cred->gid = static_cast<gid_t>(id);
    } else if (getgrnam_r(group.c_str(), &gr, buf, sizeof buf, &found) == 0 && found) {
      cred->gid = gr.gr_gid;
    } else {
      *err = "unknown group '" + group + "'";
      return false;
    }
  }
  cred->groups = {cred->gid};
  if (!user_name.empty()) {
    int n = 64;
    std::vector<gid_t> groups(n);
    if (getgrouplist(user_name.c_str(), cred->gid, groups.data(), &n) < 0) {
      groups.resize(n);
      getgrouplist(user_name.c_str(), cred->gid, groups.data(), &n);
    }
    groups.resize(n);
    cred->groups = groups;
  }
  return true;
}

}  // namespace phpeek::process
