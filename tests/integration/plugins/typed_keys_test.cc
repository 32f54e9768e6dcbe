// Plugins that declare typed `global:` keys, on the real binary with real YAML files: a C plugin
// (tests/abi-compat/fixtures/typed_plugin.c) and the C++ example built out of tree against the
// installed SDK (sdk/examples/table-writer). check-config loads their schemas (no init), so
// --strict passes on declared keys and a typo gets the closest key; the daemon hands them over in
// the normal form, environment overrides parsed by the declared type.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "tests/support/fixture_plugin.h"
#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

using namespace std::chrono_literals;

std::string Config(const std::string& global_extra) {
  return "version: \"1.0\"\n"
         "global:\n"
         "  log_format: text\n"
         "  api_enabled: false\n"
         "  plugins:\n"
         "    - \"" +
         FixturePlugin("typed-c") +
         "\"\n"
         "    - \"" +
         std::string(PHPEEK_EXAMPLE_PLUGIN) + "\"\n" + global_extra +
         "processes:\n"
         "  worker:\n"
         "    command: [\"sleep\", \"60\"]\n";
}

RunResult CheckConfig(const std::string& path, const std::vector<std::string>& flags = {},
                      const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> argv = {PHPEEK_BINARY, "check-config", "-c", path};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return RunCommand(argv, env);
}

const std::string kDeclared =
    "  typed_out: out.json\n"
    "  typed_poll: 1m30s\n"
    "  typed_limit: 1MiB\n"
    "  typed_mode: fast\n"
    "  typed_tags: [a, b]\n"
    "  typed_on: no\n"
    "  table_writer_file: table.json\n";

TEST(TypedKeys, StrictCheckPassesOnKeysThePluginsDeclare) {
  TempDir dir;
  const std::string cfg = dir.Write("pm.yaml", Config(kDeclared));
  const RunResult r = CheckConfig(cfg, {"--strict"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("valid"), std::string::npos) << r.out;
}

TEST(TypedKeys, ATypoNearAPluginKeyNamesTheClosestKeyAndFailsStrict) {
  TempDir dir;
  const std::string cfg = dir.Write("pm.yaml", Config(kDeclared + "  typed_pol: 3s\n"));
  const RunResult lax = CheckConfig(cfg);
  EXPECT_EQ(lax.exit_code, 0) << lax.out << lax.err;  // a warning only
  const RunResult r = CheckConfig(cfg, {"--strict"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(cfg + ":15:3: warning: global.typed_pol: unknown key 'typed_pol' is "
                             "ignored (no loaded plugin reads it) (hint: did you mean "
                             "'typed_poll'?)"),
            std::string::npos)
      << r.err;
  const RunResult json = CheckConfig(cfg, {"--strict", "--json"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_NE(json.out.find("\"line\":15,\"column\":3,\"key\":\"global.typed_pol\""),
            std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"hint\":\"did you mean 'typed_poll'?\""), std::string::npos)
      << json.out;
}

TEST(TypedKeys, BadValuesAndThePluginsOwnChecksArePlacedLikeTheCores) {
  TempDir dir;
  const std::string cfg = dir.Write("pm.yaml", Config("  typed_out: out.json\n"
                                                      "  typed_poll: 5ms\n"
                                                      "  typed_mode: fast\n"
                                                      "  typed_port: 0\n"));
  const RunResult r = CheckConfig(cfg);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // typed-c's keys: by type; table-writer's own check: table_writer_file is required.
  EXPECT_NE(r.err.find(cfg + ":2:1: error: global.table_writer_file: is required: the file "
                             "table-writer writes the table to (hint: table_writer_file: "
                             "/run/phpeek-pm/processes.json)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(cfg + ":9:15: error: global.typed_poll: must be at least 100ms, got 5ms"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(cfg + ":11:15: error: global.typed_port: must be between 1 and 65535, "
                             "got 0"),
            std::string::npos)
      << r.err;
  // typed-c's own check does not run while one of its keys is invalid.
  EXPECT_EQ(r.err.find("fast mode needs typed_tags"), std::string::npos) << r.err;

  const std::string fixed =
      dir.Write("fixed.yaml", Config("  typed_out: out.json\n  typed_mode: fast\n"
                                     "  table_writer_file: t.json\n"));
  const RunResult own = CheckConfig(fixed);
  EXPECT_EQ(own.exit_code, 1) << own.out << own.err;
  EXPECT_NE(own.err.find(fixed + ":9:3: error: global.typed_mode: fast mode needs typed_tags "
                                 "(hint: typed_tags: [a, b])"),
            std::string::npos)
      << own.err;
}

// What init gets: the normal form of plugin_abi.h, defaults filled in, the environment's values
// parsed by the declared type, relative paths from the configuration file's folder.
TEST(TypedKeys, ThePluginGetsTheNormalForm) {
  TempDir dir;
  const std::string cfg = dir.Write("pm.yaml", Config(kDeclared));
  Daemon daemon({"-c", cfg}, {{"PHPEEK_PM_GLOBAL_TYPED_TAGS", "x, y,z"},
                              {"PHPEEK_PM_GLOBAL_TYPED_LIMIT", "2KiB"},
                              {"PHPEEK_PM_GLOBAL_SHUTDOWN_TIMEOUT", "7s"}});
  ASSERT_TRUE(daemon.WaitForLog("process spawned")) << daemon.Log();
  const std::string json = ReadFile(dir.Join("out.json"));
  EXPECT_NE(json.find("\"shutdown_timeout\":7000"), std::string::npos) << json;
  EXPECT_NE(json.find("\"typed_out\":\"" + dir.Join("out.json") + "\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"typed_poll\":90000"), std::string::npos) << json;
  EXPECT_NE(json.find("\"typed_limit\":2048"), std::string::npos) << json;
  EXPECT_NE(json.find("\"typed_mode\":\"fast\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"typed_tags\":[\"x\",\"y\",\"z\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"typed_on\":false"), std::string::npos) << json;
  EXPECT_NE(json.find("\"typed_port\":8080"), std::string::npos) << json;  // the default
  // table-writer got its relative path made absolute, and writes there.
  ASSERT_TRUE(WaitUntil([&] { return !ReadFile(dir.Join("table.json")).empty(); })) << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

// serve refuses what check-config refuses, before any process starts.
TEST(TypedKeys, TheDaemonRefusesABadPluginKeyBeforeStarting) {
  TempDir dir;
  const std::string cfg = dir.Write("pm.yaml", Config(kDeclared + "  typed_port: 70000\n"));
  Daemon daemon({"-c", cfg});
  EXPECT_EQ(daemon.WaitExit(), 1) << daemon.Log();
  EXPECT_TRUE(daemon.LogContains("must be between 1 and 65535, got 70000")) << daemon.Log();
  EXPECT_FALSE(daemon.LogContains("process spawned")) << daemon.Log();
}

}  // namespace
}  // namespace phpeek::testing
