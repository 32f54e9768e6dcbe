// The installed C example (sdk/examples/exit-logger), built out of tree by sdk_c_example_build,
// in the real daemon: one line per exit, its own typed config key (checked by the daemon and by
// check-config, refused with a bad value).
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

std::string Config(const std::string& global_extra) {
  return "version: \"1.0\"\n"
         "global:\n"
         "  log_format: text\n"
         "  api_enabled: false\n"
         "  shutdown_timeout: 5s\n"
         "  plugins: [\"" PHPEEK_EXIT_LOGGER "\"]\n" +
         global_extra +
         "processes:\n"
         "  clean:\n"
         "    restart: never\n"
         "    command: [\"sh\", \"-c\", \"exit 0\"]\n"
         "  failing:\n"
         "    restart: never\n"
         "    command: [\"sh\", \"-c\", \"exit 3\"]\n"
         "  killed:\n"
         "    restart: never\n"
         "    command: [\"sh\", \"-c\", \"kill -KILL $$$$\"]\n"  // $$ is one '$'
         "  idle:\n"
         "    command: [\"sleep\", \"60\"]\n";
}

TEST(ExitLogger, LogsEveryExitWithCodeOrSignal) {
  TempDir dir;
  Daemon daemon({"-c", dir.Write("pm.yaml", Config(""))});
  ASSERT_TRUE(daemon.WaitForLog("plugin loaded plugin=exit-logger path=" PHPEEK_EXIT_LOGGER
                                " version=1.0.0 abi_built=1.1 abi_negotiated=1.1"))
      << daemon.Log();
  ASSERT_TRUE(daemon.WaitForLog("logging every exit plugin=exit-logger")) << daemon.Log();
  ASSERT_TRUE(daemon.WaitForLog("failing-0 exited with code 3 (pid ")) << daemon.Log();
  ASSERT_TRUE(daemon.WaitForLog("clean-0 exited with code 0 (pid ")) << daemon.Log();
  ASSERT_TRUE(daemon.WaitForLog("killed-0 was killed by signal 9 (pid ")) << daemon.Log();
  EXPECT_EQ(daemon.Log().find("exit_logger"), std::string::npos) << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
  // The shutdown's own exits still reached the plugin before it was stopped.
  const std::string log = daemon.Log();
  EXPECT_LT(log.find("idle-0 was killed by signal 15"),
            log.find("plugin stopped plugin=exit-logger"))
      << log;
}

TEST(ExitLogger, ItsOwnKeySkipsCleanExits) {
  TempDir dir;
  Daemon daemon({"-c", dir.Write("pm.yaml", Config("  exit_logger_failures_only: true\n"))});
  ASSERT_TRUE(daemon.WaitForLog("logging failed exits plugin=exit-logger")) << daemon.Log();
  ASSERT_TRUE(daemon.WaitForLog("failing-0 exited with code 3")) << daemon.Log();
  ASSERT_TRUE(daemon.WaitForLog("killed-0 was killed by signal 9")) << daemon.Log();
  ASSERT_TRUE(daemon.WaitForLog("process exited process=clean")) << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
  EXPECT_EQ(daemon.Log().find("clean-0 exited"), std::string::npos) << daemon.Log();
}

// The key is typed: the daemon checks it before the plugin's init, at its line and column.
TEST(ExitLogger, RefusesABadValueOfItsKey) {
  TempDir dir;
  const std::string cfg = dir.Write("pm.yaml", Config("  exit_logger_failures_only: maybe\n"));
  Daemon daemon({"-c", cfg});
  EXPECT_EQ(daemon.WaitExit(), 1) << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("expected true or false, got 'maybe' file=" + cfg +
                                 " line=7 column=30 key=global.exit_logger_failures_only"))
      << daemon.Log();
  EXPECT_FALSE(daemon.LogContains("failed to initialise")) << daemon.Log();
}

// check-config knows the key from the plugin's schema: --strict passes with it, and a typo names
// it.
TEST(ExitLogger, CheckConfigKnowsItsKey) {
  TempDir dir;
  const std::string good = dir.Write("good.yaml", Config("  exit_logger_failures_only: yes\n"));
  const RunResult ok = RunCommand({PHPEEK_BINARY, "check-config", "--strict", "-c", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  const std::string typo = dir.Write("typo.yaml", Config("  exit_logger_failure_only: yes\n"));
  const RunResult bad = RunCommand({PHPEEK_BINARY, "check-config", "--strict", "-c", typo});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.err.find(typo + ":7:3: warning: global.exit_logger_failure_only: unknown key "
                                "'exit_logger_failure_only' is ignored (no loaded plugin reads "
                                "it) (hint: did you mean 'exit_logger_failures_only'?)"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace phpeek::testing
