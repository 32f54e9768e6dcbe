// The plugin host inside the real daemon: the SDK example built out of tree, the frozen-1.0 plugin,
// and every failure fixture (exit 1 with its message, before any process starts).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "tests/support/fixture_plugin.h"
#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

// A config with text logs, no API, one process that leaves a marker file when it starts.
std::string Config(const TempDir& dir, const std::string& global_extra,
                   const std::string& shutdown_timeout = "5s") {
  return "version: \"1.0\"\n"
         "global:\n"
         "  log_format: text\n"
         "  shutdown_timeout: " +
         shutdown_timeout + "\n" + global_extra +
         "processes:\n"
         "  worker:\n"
         "    command: [\"sh\", \"-c\", \"touch " +
         dir.Join("started") + "; exec sleep 60\"]\n";
}

TEST(PluginsIntegration, ExampleBuiltAgainstTheInstalledSdkWritesTheProcessTable) {
  TempDir dir;
  const std::string table = dir.Join("table.json");
  const std::string cfg =
      dir.Write("pm.yaml", Config(dir, "  api_enabled: false\n  plugins: [\"" +
                                           std::string(PHPEEK_EXAMPLE_PLUGIN) + "\"]\n" +
                                           "  table_writer_file: " + table + "\n"));
  Daemon daemon({"-c", cfg});
  ASSERT_TRUE(daemon.WaitForLog(
      "plugin loaded plugin=table-writer path=" + std::string(PHPEEK_EXAMPLE_PLUGIN) +
      " version=1.0.0 abi_built=1.1 abi_negotiated=1.1"))
      << daemon.Log();
  ASSERT_TRUE(WaitUntil([&] {
    const std::string t = ReadFile(table);
    return t.find("\"id\":\"worker-0\",\"state\":\"running\"") != std::string::npos;
  })) << ReadFile(table)
      << daemon.Log();
  EXPECT_EQ(daemon.Log().find("table_writer_file"), std::string::npos)  // declared: no warning
      << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
  // Events kept flowing while the processes stopped; the plugin was stopped after them.
  EXPECT_NE(ReadFile(table).find("\"state\":\"stopped\""), std::string::npos) << ReadFile(table);
  const std::string log = daemon.Log();
  EXPECT_LT(log.find("process exited"), log.find("plugin stopped plugin=table-writer")) << log;
}

TEST(PluginsIntegration, PluginBuiltAgainstTheFrozen10HeaderWorksInTodaysDaemon) {
  TempDir dir;
  const std::string rec = dir.Join("rec.txt");
  const std::string cfg =
      dir.Write("pm.yaml",
                Config(dir, "  api_enabled: false\n  plugins: [\"" + FixturePlugin("old-recorder") +
                                "\"]\n  recorder_file: " + rec + "\n  recorder_tag: tag-42\n"));
  Daemon daemon({"-c", cfg});
  ASSERT_TRUE(WaitUntil([&] {
    return ReadFile(rec).find("event ") != std::string::npos &&
           ReadFile(rec).find(" pid=0 ") != std::string::npos;
  })) << ReadFile(rec)
      << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
  const std::string r = ReadFile(rec);
  EXPECT_NE(r.find("config tag-42\n"), std::string::npos) << r;
  EXPECT_NE(r.find("list {\"schema\":1,\"processes\":[{\"name\":\"worker\""), std::string::npos)
      << r;
  EXPECT_NE(r.find("control-missing NOT_FOUND\n"), std::string::npos) << r;
  EXPECT_NE(r.find(" 2 worker worker-0 0->0 pid="), std::string::npos) << r;  // SPAWNED
  EXPECT_NE(r.find(" 5   0->0 pid=0"), std::string::npos) << r;               // SHUTTING_DOWN
  EXPECT_EQ(r.substr(r.size() - 5), "stop\n") << r;
}

struct FailureCase {
  const char* fixture;
  std::string message;  // expected in the log
};

class RequiredPluginFailure : public ::testing::TestWithParam<FailureCase> {};

TEST_P(RequiredPluginFailure, ExitsOneWithItsMessageBeforeAnyProcessStarts) {
  TempDir dir;
  const std::string cfg =
      dir.Write("pm.yaml", Config(dir, "  api_enabled: false\n  plugins: [\"" +
                                           FixturePlugin(GetParam().fixture) + "\"]\n"));
  Daemon daemon({"-c", cfg});
  EXPECT_EQ(daemon.WaitExit(), 1) << daemon.Log();
  EXPECT_NE(daemon.Log().find(GetParam().message), std::string::npos) << daemon.Log();
  EXPECT_FALSE(ProcessExists(daemon.pid()));
  EXPECT_EQ(ReadFile(dir.Join("started")), "");
  EXPECT_EQ(daemon.Log().find("process spawned"), std::string::npos) << daemon.Log();
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RequiredPluginFailure,
    ::testing::Values(
        FailureCase{"absent", "plugin 'absent': not found at " + FixturePlugin("absent")},
        FailureCase{"garbage",
                    "plugin 'garbage' (" + FixturePlugin("garbage") + "): cannot be loaded: "},
        FailureCase{"not-a-plugin", "not a phpeek-pm plugin, or built for another ABI major"},
        FailureCase{"v2-only", "built for ABI major 2, this host speaks ABI 1.1"},
        FailureCase{"wrong-major", "built for ABI 2.0, this host speaks ABI 1.1"},
        FailureCase{"newer-minor",
                    "built for ABI 1.2 (needs a host with ABI >= 1.2), this host "
                    "speaks ABI 1.1"},
        FailureCase{"null-hook", "plugin 'null-hook' (" + FixturePlugin("null-hook") +
                                     "): required hook 'stop' is NULL"},
        FailureCase{"wrong-name", "descriptor says its name is 'someone-else'"},
        FailureCase{"declines", "the plugin declined to load"},
        FailureCase{"fail-init",
                    "plugin 'fail-init' failed to initialise: spool_dir is not set "
                    "(INVALID_ARGUMENT)"},
        FailureCase{"fail-start",
                    "plugin 'fail-start' failed to start: cannot bind 127.0.0.1:1: "
                    "permission denied (DENIED)"},
        FailureCase{"throwing",
                    "plugin 'throwing' failed to initialise: threw a C++ exception "
                    "across the ABI boundary: config file /etc/throwing.ini is "
                    "unreadable (INTERNAL)"}),
    [](const ::testing::TestParamInfo<FailureCase>& info) {
      std::string n = info.param.fixture;
      for (char& c : n) c = c == '-' ? '_' : c;
      return n;
    });

// A copy of the daemon whose built-in plugin folder (../lib/phpeek-pm/plugins) is empty, as on a
// system where the plugin package is missing: plugin_dir (an in-house folder) does not hide the
// built-in folder, and when neither has rest-api, the error lists both and says how to run without.
TEST(PluginsIntegration, ApiEnabledByDefaultNeedsTheRestApiPluginAndSaysHowToTurnItOff) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("bin"));
  std::filesystem::create_directories(dir.Join("lib/phpeek-pm/plugins"));
  std::filesystem::create_directories(dir.Join("in-house"));
  std::filesystem::copy_file(BinaryPath(), dir.Join("bin/phpeek-pm"));
  std::filesystem::permissions(dir.Join("bin/phpeek-pm"), std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  const std::string cfg = dir.Write("pm.yaml", Config(dir, "  plugin_dir: in-house\n"));
  const RunResult r = RunCommand({dir.Join("bin/phpeek-pm"), "-c", cfg});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string log = r.out + r.err;
  EXPECT_NE(log.find("plugin 'rest-api': not found in the plugin folders (searched " +
                     dir.Join("in-house/rest-api.so") + ", " +
                     dir.Join("lib/phpeek-pm/plugins/rest-api.so") + ")"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("set global.api_enabled: false to run without the Management API"),
            std::string::npos)
      << log;
  EXPECT_EQ(ReadFile(dir.Join("started")), "");
}

// An in-house plugin folder adds plugins; the built-in ones are still found after it.
TEST(PluginsIntegration, PluginDirIsASearchPathAndTheBuiltInFolderComesLast) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("empty"));
  std::filesystem::create_directories(dir.Join("in-house"));
  std::filesystem::copy_file(FixturePlugin("good-fixture"), dir.Join("in-house/good-fixture.so"));
  const int port = FreePort();
  const std::string cfg = dir.Write(
      "pm.yaml", Config(dir, "  api_port: " + std::to_string(port) +
                                 "\n  plugin_dir: [empty, in-house]\n  plugins: [good-fixture]\n"));
  Daemon daemon({"-c", cfg});
  ASSERT_TRUE(daemon.WaitForLog("process spawned")) << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("plugin loaded plugin=good-fixture path=" +
                                 dir.Join("in-house/good-fixture.so")))
      << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("/lib/phpeek-pm/plugins/rest-api.so")) << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

TEST(PluginsIntegration, FirstPartyPluginsAreFoundNextToTheBinaryWithNoSetting) {
  TempDir dir;
  const int port = FreePort();
  const std::string cfg =
      dir.Write("pm.yaml", Config(dir, "  api_port: " + std::to_string(port) + "\n"));
  Daemon daemon({"-c", cfg});
  ASSERT_TRUE(daemon.WaitForLog("plugin loaded plugin=rest-api")) << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("/lib/phpeek-pm/plugins/rest-api.so")) << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

// Within shutdown_timeout a slow stop is waited for (and reported); past it, see
// CrashContainment.StopHangingPastTheShutdownTimeoutIsAbandonedAndTheExitCodeSaysSo.
TEST(PluginsIntegration, SlowStopIsReportedWithThePluginAndHook) {
  TempDir dir;
  const std::string cfg = dir.Write(
      "pm.yaml", Config(dir,
                        "  api_enabled: false\n  plugins: [\"" + FixturePlugin("slow-stop") +
                            "\"]\n  slow_stop_ms: 5300\n  not_a_key_anyone_reads: 1\n",
                        "10s"));
  Daemon daemon({"-c", cfg});
  ASSERT_TRUE(daemon.WaitForLog("process spawned")) << daemon.Log();
  // Declared by slow-stop: no warning. Declared by nobody: a warning.
  EXPECT_EQ(daemon.Log().find("slow_stop_ms"), std::string::npos) << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("not_a_key_anyone_reads")) << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(std::chrono::milliseconds(20000)), 0) << daemon.Log();
  EXPECT_TRUE(
      daemon.LogContains("plugin hook is taking longer than its time budget plugin=slow-stop "
                         "hook=stop budget_ms=5000"))
      << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("plugin hook exceeded its time budget plugin=slow-stop hook=stop"))
      << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("plugin stopped plugin=slow-stop")) << daemon.Log();
}

}  // namespace
}  // namespace phpeek::testing
