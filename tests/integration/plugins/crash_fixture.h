// The daemon with one crash fixture plugin (tests/abi-compat/fixtures/crashing_plugin.cc) and a
// process table that a careless crash handler would leave behind: shared by the in-process crash
// containment tests and those of plugins with `isolation: process`.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {

using CrashClock = std::chrono::steady_clock;

inline std::string Fixture(const std::string& name) {
  return std::string(PHPEEK_FIXTURE_DIR) + "/" + name + ".so";
}

class CrashContainment : public ::testing::Test {
 protected:
  void SetUp() override {
    const rlimit no_core{0, 0};  // the crashes are deliberate: no core files in the build tree
    setrlimit(RLIMIT_CORE, &no_core);
  }

  void TearDown() override {
    for (pid_t p : Marked()) kill(p, SIGKILL);  // only after a failure: do not leave them running
  }

  // Each process is one a careless crash handler would leave behind: `stubborn` ignores SIGTERM,
  // `detached` has a child in a session of its own (out of its process group), `graceful` stops
  // on SIGQUIT and says so in a file. `trigger` exits once the file `go` exists: the crashing
  // plugins crash when they see that exit.
  std::string Processes() const {
    return "  stubborn:\n"
           "    command: [\"sh\", \"-c\", \"trap '' TERM; touch " +
           files_.Join("stubborn-ready") +
           "; while :; do sleep 1; done\"]\n"
           "  detached:\n"
           "    command: [\"sh\", \"-c\", \"setsid sleep 600 & exec sleep 601\"]\n"
           "  graceful:\n"
           "    command: [\"sh\", \"-c\", \"trap 'echo quit > " +
           files_.Join("quit") + "; exit 0' QUIT; touch " + files_.Join("graceful-ready") +
           "; while :; do sleep 0.1; done\"]\n"
           "    shutdown:\n"
           "      signal: SIGQUIT\n"
           "  trigger:\n"
           "    command: [\"sh\", \"-c\", \"until [ -e " +
           files_.Join("go") +
           " ]; do sleep 0.05; done\"]\n"
           "    restart: never\n";
  }

  // Starts the daemon with `plugin` and waits until every process is in place.
  // `extra_global`: more `global:` lines ("  key: value\n").
  void Start(const std::string& plugin, const std::string& shutdown_timeout,
             const std::vector<std::string>& wrapper = {}, const std::string& extra_global = "") {
    s_ = StartDaemon(
        Yaml(Processes(), "  plugins: [\"" + Fixture(plugin) +
                              "\"]\n  shutdown_timeout: " + shutdown_timeout + "\n" + extra_global),
        Env(), wrapper);
    ASSERT_TRUE(WaitUntil([&] {
      return DetachedPid() > 0 && FileExists(files_.Join("stubborn-ready")) &&
             FileExists(files_.Join("graceful-ready"));
    })) << s_.daemon->Log();
  }

  // Every live process the test started, wherever it was re-parented to (the daemon's own
  // environment is theirs).
  std::vector<pid_t> Marked() const { return ProcessesWithEnv("PHPEEK_CRASH_TEST", files_.path()); }

  pid_t FindMarked(const std::string& cmdline) const {
    for (pid_t p : Marked()) {
      if (ReadFile("/proc/" + std::to_string(p) + "/cmdline") == cmdline) return p;
    }
    return 0;
  }
  // The child `detached` put in a session of its own.
  pid_t DetachedPid() const {
    const pid_t p = FindMarked(std::string("sleep") + '\0' + "600" + '\0');
    const auto st = p > 0 ? ReadProcStat(p) : std::nullopt;
    return st && st->pgid == p ? p : 0;
  }
  static bool FileExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

  void Trigger() { files_.Write("go", ""); }

  // No process of the test is left, the moment the daemon has exited.
  void ExpectNothingLeft() {
    const std::vector<pid_t> left = Marked();
    std::string pids;
    for (pid_t p : left) pids += std::to_string(p) + " ";
    EXPECT_TRUE(left.empty()) << "still running: " << pids << "\n" << s_.daemon->Log();
    EXPECT_TRUE(FileExists(files_.Join("quit"))) << "graceful never got its stop signal, SIGQUIT\n"
                                                 << s_.daemon->Log();
  }

  std::map<std::string, std::string> Env() const {
    std::map<std::string, std::string> env = extra_env_;
    env["PHPEEK_CRASH_TEST"] = files_.path();
    return env;
  }

  std::map<std::string, std::string> extra_env_;  // set before Start
  TempDir files_;
  Started s_;
};

}  // namespace phpeek::testing
