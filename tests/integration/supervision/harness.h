// Shared helpers of the supervision integration tests: a daemon started on a YAML text (also as
// PID 1 of a new PID namespace), and /proc readings the generic test support does not have (CPU
// ticks, zombies, processes by marker).
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace phpeek::testing {

// The global block every test starts from: no plugins, text logs, fast backoff. Keys given in
// `extra_global` ("  key: value\n" lines) replace the defaults of the same name.
inline std::string Yaml(const std::string& processes, const std::string& extra_global = "") {
  std::string global;
  for (const char* line : {"  api_enabled: false\n", "  log_format: text\n",
                           "  shutdown_timeout: 10s\n", "  restart_backoff_initial: 100ms\n"}) {
    const std::string l(line);
    const std::string key = l.substr(0, l.find(':') + 1);
    if (extra_global.find(key) == std::string::npos) global += l;
  }
  return "version: \"1.0\"\nglobal:\n" + global + extra_global + "processes:\n" + processes;
}

struct Started {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<Daemon> daemon;
};

inline Started StartDaemon(const std::string& yaml,
                           const std::map<std::string, std::string>& env = {},
                           const std::vector<std::string>& wrapper = {}) {
  Started s;
  s.dir = std::make_unique<TempDir>();
  const std::string path = s.dir->Write("phpeek-pm.yaml", yaml);
  s.daemon = std::make_unique<Daemon>(std::vector<std::string>{"-c", path}, env, wrapper);
  return s;
}

// The daemon as PID 1 of a new PID namespace with its own /proc, as in a container. unshare stays
// outside as the namespace's parent (--kill-child: if the test kills it, PID 1 goes too); it passes
// no signal on, so tests signal the daemon itself, by its pid in the test's namespace.
inline const std::vector<std::string>& AsPid1() {
  static const std::vector<std::string> wrapper{"unshare", "--pid", "--fork", "--mount-proc",
                                                "--kill-child"};
  return wrapper;
}

// Whether AsPid1 works here (root, and a kernel and sandbox that allow the namespaces).
inline bool CanRunAsPid1() {
  static const bool can = [] {
    if (geteuid() != 0) return false;
    auto r = RunCommand({"unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", "test $$ = 1"});
    return r.exit_code == 0;
  }();
  return can;
}

// The daemon's pid as the test sees it: the wrapper's only child, or the daemon itself.
inline pid_t DaemonPid(const Daemon& daemon, bool wrapped) {
  if (!wrapped) return daemon.pid();
  pid_t inner = 0;
  WaitUntil([&] {
    const auto kids = ChildrenOf(daemon.pid());
    inner = kids.size() == 1 ? kids[0] : 0;
    return inner > 0;
  });
  return inner;
}

// utime + stime of a process, in clock ticks; -1 when it is gone.
inline long CpuTicks(pid_t pid) {
  const std::string text = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream in(text.substr(paren + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::atol(field.c_str());
    if (i == 15) stime = std::atol(field.c_str());
  }
  return utime + stime;
}

inline std::vector<pid_t> AllPids() {
  std::vector<pid_t> out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    const pid_t p = static_cast<pid_t>(std::atoi(e->d_name));
    if (p > 0) out.push_back(p);
  }
  closedir(dir);
  return out;
}

inline int ZombieChildren(pid_t parent) {
  int n = 0;
  for (pid_t p : AllPids()) {
    const auto st = ReadProcStat(p);
    if (st && st->ppid == parent && st->state == 'Z') ++n;
  }
  return n;
}

// Live processes whose environment carries KEY=value: how a test finds everything it started,
// wherever it was re-parented to.
inline std::vector<pid_t> ProcessesWithEnv(const std::string& key, const std::string& value) {
  std::vector<pid_t> out;
  for (pid_t p : AllPids()) {
    if (!ProcessExists(p)) continue;
    const auto env = EnvironOf(p);
    auto it = env.find(key);
    if (it != env.end() && it->second == value) out.push_back(p);
  }
  return out;
}

inline size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Position of the first occurrence, or npos.
inline size_t At(const std::string& text, const std::string& needle) { return text.find(needle); }

}  // namespace phpeek::testing
