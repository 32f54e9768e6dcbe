// Plugins with `isolation: process` in the real daemon, with the crash fixtures of
// crash_containment_test.cc: a plugin that throws on its thread or segfaults takes down only its
// helper process; the daemon logs it by name with the signal, keeps every process running (same
// pids), restarts the plugin, and later shuts down cleanly with nothing left. A plugin that hangs
// in stop is killed at the shutdown deadline; a helper that stops answering is killed and
// restarted while the supervisor goes on; a helper dies with its daemon.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/integration/plugins/crash_fixture.h"

namespace phpeek::testing {
namespace {

using Clock = CrashClock;

class IsolatedPlugins : public CrashContainment {
 protected:
  void StartIsolated(const std::string& plugin, const std::string& shutdown_timeout,
                     const std::string& extra_global = "") {
    // Under AddressSanitizer a segfault in the helper (which has no crash handler of its own) would
    // end it by SIGABRT (abort_on_error): let the fault end it by its own signal, as in a release
    // build. The daemon's crash handler replaces ASan's either way.
    const char* asan = std::getenv("ASAN_OPTIONS");
    extra_env_["ASAN_OPTIONS"] = std::string(asan ? asan : "") + ":handle_segv=0";
    Start(plugin, shutdown_timeout, {},
          "  plugin_isolation:\n    " + plugin + ": process\n" + extra_global);
    ASSERT_TRUE(s_.daemon->WaitForLog("plugin started plugin=" + plugin)) << s_.daemon->Log();
  }

  // The pid of the marked process whose command line contains `part` (0 if none).
  pid_t PidWith(const std::string& part) const {
    for (pid_t p : Marked()) {
      if (ReadFile("/proc/" + std::to_string(p) + "/cmdline").find(part) != std::string::npos) {
        return p;
      }
    }
    return 0;
  }
  pid_t HelperPid() const { return PidWith(std::string("plugin-host") + '\0' + "--parent"); }

  // The supervised processes that must not notice anything: their pids, before and after.
  std::vector<pid_t> Supervised() const {
    return {PidWith("stubborn-ready"), PidWith("graceful-ready"), DetachedPid()};
  }

  // The crash is logged by name with its signal, the plugin comes back in a new helper, nothing
  // else changed, and the daemon still stops every process. The thread fixtures' stop wakes their
  // worker, which crashes again: `again_in_stop` expects that crash logged and exit status 1
  // (else a clean stop, exit 0).
  void ExpectContained(const std::string& plugin, const std::string& signal, bool again_in_stop) {
    const pid_t helper = HelperPid();
    ASSERT_GT(helper, 0) << s_.daemon->Log();
    const std::vector<pid_t> before = Supervised();
    for (pid_t p : before) ASSERT_GT(p, 0) << s_.daemon->Log();
    Trigger();
    ASSERT_TRUE(s_.daemon->WaitForLog(
        "error plugin host process ended; restarting the plugin "
        "plugin=" +
        plugin + " pid=" + std::to_string(helper) + " signal=" + signal + " restart_in_ms="))
        << s_.daemon->Log();
    ASSERT_TRUE(s_.daemon->WaitForLog("plugin restarted plugin=" + plugin)) << s_.daemon->Log();
    EXPECT_TRUE(ProcessExists(s_.daemon->pid()));
    EXPECT_EQ(Supervised(), before) << s_.daemon->Log();
    const pid_t again = HelperPid();
    EXPECT_GT(again, 0);
    EXPECT_NE(again, helper);
    EXPECT_FALSE(s_.daemon->LogContains("daemon crashed")) << s_.daemon->Log();
    s_.daemon->Signal(SIGTERM);
    EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), again_in_stop ? 1 : 0)
        << s_.daemon->Log();
    ExpectNothingLeft();
    if (again_in_stop) {
      EXPECT_TRUE(s_.daemon->LogContains(
          "error plugin host process ended abnormally while the daemon stopped plugin=" + plugin +
          " pid=" + std::to_string(again) + " ended_by=" + signal))
          << s_.daemon->Log();
    } else {
      EXPECT_TRUE(s_.daemon->LogContains("plugin stopped plugin=" + plugin)) << s_.daemon->Log();
    }
    EXPECT_FALSE(s_.daemon->LogContains("daemon crashed")) << s_.daemon->Log();
  }
};

TEST_F(IsolatedPlugins, ThreadThatThrowsEndsOnlyItsHelperAndThePluginComesBack) {
  StartIsolated("throws-on-thread", "5s");
  ExpectContained("throws-on-thread", "SIGABRT", true);
}

TEST_F(IsolatedPlugins, SegfaultOnItsThreadEndsOnlyItsHelper) {
  StartIsolated("segv-on-thread", "5s");
  ExpectContained("segv-on-thread", "SIGSEGV", true);
}

TEST_F(IsolatedPlugins, SegfaultInAnEventCallbackEndsOnlyItsHelper) {
  StartIsolated("segv-in-callback", "5s");
  ExpectContained("segv-in-callback", "SIGSEGV", false);
}

TEST_F(IsolatedPlugins, StopHangingPastTheShutdownTimeoutKillsTheHelper) {
  StartIsolated("hangs-in-stop", "2s");
  const auto t0 = Clock::now();
  s_.daemon->Signal(SIGTERM);
  EXPECT_EQ(s_.daemon->WaitExit(std::chrono::seconds(20)), 1) << s_.daemon->Log();
  const auto took = Clock::now() - t0;
  ExpectNothingLeft();  // the helper carries the test's mark too
  EXPECT_TRUE(s_.daemon->LogContains("stop: hanging plugin=hangs-in-stop")) << s_.daemon->Log();
  EXPECT_TRUE(s_.daemon->LogContains(
      "plugin did not stop by the shutdown deadline; killing its host process "
      "plugin=hangs-in-stop pid="))
      << s_.daemon->Log();
  EXPECT_TRUE(s_.daemon->LogContains("phpeek-pm stopped exit_code=1")) << s_.daemon->Log();
  EXPECT_FALSE(s_.daemon->LogContains("plugin stopped plugin=hangs-in-stop")) << s_.daemon->Log();
  EXPECT_GE(took, std::chrono::milliseconds(2000));
  EXPECT_LT(took, std::chrono::seconds(8));
}

// A stopped helper answers no ping: it is killed and restarted, while the loop goes on (the exit
// of `trigger` meanwhile is handled at once, its event queued for the plugin).
// The link thread runs at nice 19; the helper must not inherit it (beside busy children, a nice-19
// helper took 10 s to start while every process waited), neither the first nor a restarted one.
TEST_F(IsolatedPlugins, HelpersRunAtTheDaemonsPriority) {
  StartIsolated("segv-in-callback", "5s");
  const auto daemon = ReadProcStat(s_.daemon->pid());
  const pid_t helper = HelperPid();
  ASSERT_TRUE(daemon && helper > 0) << s_.daemon->Log();
  const auto first = ReadProcStat(helper);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->nice, daemon->nice);
  Trigger();
  ASSERT_TRUE(s_.daemon->WaitForLog("plugin restarted plugin=segv-in-callback"))
      << s_.daemon->Log();
  pid_t again = 0;
  ASSERT_TRUE(WaitUntil([&] { return (again = HelperPid()) > 0 && again != helper; }));
  const auto second = ReadProcStat(again);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->nice, daemon->nice);
}

TEST_F(IsolatedPlugins, HelperThatStopsAnsweringIsKilledAndRestartedWhileSupervisionGoesOn) {
  extra_env_["PHPEEK_PM_TEST_PLUGIN_HANG_MS"] = "3000";
  StartIsolated("hangs-in-stop", "5s");
  const pid_t helper = HelperPid();
  ASSERT_GT(helper, 0);
  ASSERT_EQ(kill(helper, SIGSTOP), 0);
  Trigger();
  ASSERT_TRUE(s_.daemon->WaitForLog(
      "error plugin host process is not answering; killing it plugin=hangs-in-stop pid=" +
          std::to_string(helper),
      std::chrono::seconds(10)))
      << s_.daemon->Log();
  ASSERT_TRUE(
      s_.daemon->WaitForLog("plugin host process ended; restarting the plugin "
                            "plugin=hangs-in-stop pid=" +
                            std::to_string(helper) + " signal=SIGKILL"))
      << s_.daemon->Log();
  ASSERT_TRUE(s_.daemon->WaitForLog("plugin restarted plugin=hangs-in-stop")) << s_.daemon->Log();
  const std::string log = s_.daemon->Log();
  const size_t exited = log.find("process exited process=trigger");
  ASSERT_NE(exited, std::string::npos) << log;
  EXPECT_LT(exited, log.find("plugin host process is not answering")) << log;
  EXPECT_NE(log.find("test hook in effect PHPEEK_PM_TEST_PLUGIN_HANG_MS=3000"), std::string::npos);
}

TEST_F(IsolatedPlugins, HelperDiesWithItsDaemon) {
  StartIsolated("hangs-in-stop", "5s");
  const pid_t helper = HelperPid();
  ASSERT_GT(helper, 0);
  s_.daemon->Signal(SIGKILL);
  s_.daemon->WaitExit(std::chrono::seconds(10));
  EXPECT_TRUE(WaitUntil([&] { return !ProcessExists(helper); })) << "helper outlived the daemon";
}

}  // namespace
}  // namespace phpeek::testing
