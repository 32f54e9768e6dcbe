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

#include "tests/integration/plugins/crash_fixture.h"

namespace phpeek::testing {
namespace {

using Clock = CrashClock;

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
