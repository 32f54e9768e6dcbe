// Crash containment in the real daemon, with fixture plugins built from the SDK
// (tests/abi-compat/fixtures/crashing_plugin.cc) that throw on a thread of their own, segfault in
// an event callback or on their own thread, hang in stop or in an event callback. Whatever the
// plugin does, no child outlives the daemon, its exit status says what happened, and one log line
// names the plugin.
#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string Fixture(const std::string& name) {
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
  void Start(const std::string& plugin, const std::string& shutdown_timeout,
             const std::vector<std::string>& wrapper = {}) {
    s_ = StartDaemon(Yaml(Processes(), "  plugins: [\"" + Fixture(plugin) +
                                           "\"]\n  shutdown_timeout: " + shutdown_timeout + "\n"),
                     {{"PHPEEK_CRASH_TEST", files_.path()}}, wrapper);
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

  TempDir files_;
  Started s_;
};

TEST_F(CrashContainment, PluginThreadThatThrowsTakesEveryChildWithTheDaemon) {
  Start("throws-on-thread", "5s");
  const auto t0 = Clock::now();
  Trigger();
  EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), 128 + SIGABRT) << s_.daemon->Log();
  const auto took = Clock::now() - t0;
  ExpectNothingLeft();
  const std::string log = s_.daemon->Log();
  EXPECT_NE(log.find("error daemon crashed; stopping every process signal=SIGABRT "
                     "cause=std::terminate exception=\"the worker lost its queue connection\" "
                     "thread="),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(" thread_name=crasher-worker plugin=throws-on-thread plugin_via=stack "
                     "process_groups=3 kill_after_ms=2000\n"),
            std::string::npos)
      << log;
  EXPECT_EQ(Count(log, "daemon crashed"), 1u) << log;
  // `stubborn` ignores SIGTERM: it took the SIGKILL after the 2 s grace; nothing waited longer.
  EXPECT_GE(took, std::chrono::milliseconds(2000));
  EXPECT_LT(took, std::chrono::seconds(8));
}

TEST_F(CrashContainment, SegfaultInAnEventCallbackIsPutDownToThePluginItCalled) {
  Start("segv-in-callback", "5s");
  Trigger();
  EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), 128 + SIGSEGV) << s_.daemon->Log();
  ExpectNothingLeft();
  const std::string log = s_.daemon->Log();
  EXPECT_NE(log.find("error daemon crashed; stopping every process signal=SIGSEGV cause=fault "
                     "fault_address=0x8 thread="),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(" plugin=segv-in-callback plugin_via=call process_groups=3 "
                     "kill_after_ms=2000\n"),
            std::string::npos)
      << log;
}

TEST_F(CrashContainment, SegfaultOnAPluginThreadInsideTheCLibraryIsFoundOnItsStack) {
  Start("segv-on-thread", "5s");
  Trigger();
  EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), 128 + SIGSEGV) << s_.daemon->Log();
  ExpectNothingLeft();
  const std::string log = s_.daemon->Log();
  EXPECT_NE(log.find("error daemon crashed; stopping every process signal=SIGSEGV cause=fault "
                     "fault_address=0x10 thread="),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(" thread_name=crasher-worker plugin=segv-on-thread plugin_via=stack "),
            std::string::npos)
      << log;
}

TEST_F(CrashContainment, JsonLogsGetTheCrashLineAsJson) {
  s_ = StartDaemon(Yaml(Processes(), "  plugins: [\"" + Fixture("segv-in-callback") +
                                         "\"]\n  log_format: json\n"),
                   {{"PHPEEK_CRASH_TEST", files_.path()}});
  ASSERT_TRUE(WaitUntil([&] { return FileExists(files_.Join("graceful-ready")); }))
      << s_.daemon->Log();
  Trigger();
  EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), 128 + SIGSEGV) << s_.daemon->Log();
  const std::string log = s_.daemon->Log();
  // Written straight to stdout: it may come before lines still queued by then.
  const size_t msg = log.find("\"msg\":\"daemon crashed");
  ASSERT_NE(msg, std::string::npos) << log;
  const size_t at = log.rfind('\n', msg) + 1;  // npos + 1 == 0: the first line
  const std::string line = log.substr(at, log.find('\n', at) - at);
  const std::string head =
      "\",\"level\":\"error\",\"msg\":\"daemon crashed; stopping every process\","
      "\"signal\":\"SIGSEGV\",\"cause\":\"fault\",\"fault_address\":\"0x8\",\"thread\":";
  const std::string tail =
      ",\"thread_name\":\"phpeek-pm\",\"plugin\":\"segv-in-callback\",\"plugin_via\":\"call\","
      "\"process_groups\":3,\"kill_after_ms\":2000}";
  const size_t time_end = line.find('"', 9);  // {"time":"2026-12-06T10:11:12.345Z"
  ASSERT_NE(time_end, std::string::npos) << line;
  EXPECT_EQ(line[time_end - 1], 'Z') << line;
  EXPECT_EQ(line.compare(time_end, head.size(), head), 0) << line;
  ASSERT_GT(line.size(), time_end + head.size() + tail.size()) << line;
  const std::string tid =
      line.substr(time_end + head.size(), line.size() - time_end - head.size() - tail.size());
  EXPECT_EQ(tid.find_first_not_of("0123456789"), std::string::npos) << line;
  EXPECT_EQ(line.substr(line.size() - tail.size()), tail) << line;
}

TEST_F(CrashContainment, AsPid1TheCrashedDaemonStillStopsItsChildrenAndExits) {
  if (!CanRunAsPid1()) GTEST_SKIP() << "needs root and unshare --pid";
  Start("segv-in-callback", "5s", AsPid1());
  Trigger();
  // The kernel ignores a default-action signal that PID 1 sends itself: it exits with 128+11.
  EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), 128 + SIGSEGV) << s_.daemon->Log();
  ExpectNothingLeft();
  EXPECT_NE(s_.daemon->Log().find("error daemon crashed; stopping every process signal=SIGSEGV "
                                  "cause=fault fault_address=0x8 thread="),
            std::string::npos)
      << s_.daemon->Log();
  EXPECT_TRUE(s_.daemon->LogContains(" plugin=segv-in-callback plugin_via=call "))
      << s_.daemon->Log();
}

TEST_F(CrashContainment, StopHangingPastTheShutdownTimeoutIsAbandonedAndTheExitCodeSaysSo) {
  Start("hangs-in-stop", "2s");
  const auto t0 = Clock::now();
  s_.daemon->Signal(SIGTERM);
  EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), 1) << s_.daemon->Log();
  const auto took = Clock::now() - t0;
  ExpectNothingLeft();
  EXPECT_TRUE(s_.daemon->LogContains(
      "plugin did not stop by the shutdown deadline; abandoning it (destroy skipped) "
      "plugin=hangs-in-stop hook=stop waited_ms="))
      << s_.daemon->Log();
  EXPECT_TRUE(s_.daemon->LogContains("phpeek-pm stopped exit_code=1")) << s_.daemon->Log();
  EXPECT_FALSE(s_.daemon->LogContains("plugin stopped plugin=hangs-in-stop")) << s_.daemon->Log();
  // 2 s of shutdown_timeout (stubborn is killed at its end), then at least 1 s for stop.
  EXPECT_GE(took, std::chrono::milliseconds(3000));
  EXPECT_LT(took, std::chrono::seconds(8));
}

TEST_F(CrashContainment, EventCallbackHangingAtShutdownIsAbandonedAtTheDeadline) {
  Start("slow-callback", "2s");
  ASSERT_TRUE(s_.daemon->WaitForLog("plugin started plugin=slow-callback")) << s_.daemon->Log();
  const auto t0 = Clock::now();
  s_.daemon->Signal(SIGTERM);
  EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), 1) << s_.daemon->Log();
  const auto took = Clock::now() - t0;
  ExpectNothingLeft();
  EXPECT_TRUE(s_.daemon->LogContains("callback: blocking on SHUTTING_DOWN")) << s_.daemon->Log();
  EXPECT_TRUE(s_.daemon->LogContains(
      "plugin event callback did not return by the shutdown deadline; abandoning the plugin (stop "
      "and destroy skipped) plugin=slow-callback hook=event waited_ms="))
      << s_.daemon->Log();
  EXPECT_TRUE(s_.daemon->LogContains("phpeek-pm stopped exit_code=1")) << s_.daemon->Log();
  EXPECT_LT(took, std::chrono::seconds(8));
}

}  // namespace
}  // namespace phpeek::testing
