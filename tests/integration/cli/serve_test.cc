// The phpeek-pm binary's own command line: version, help, usage errors, --dry-run, and the
// start-up warnings for configuration keys that are parsed but not acted on yet.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

RunResult RunBinary(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {PHPEEK_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

TEST(CliTest, VersionBothWays) {
  const RunResult a = RunBinary({"version"});
  const RunResult b = RunBinary({"--version"});
  EXPECT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.out, "phpeek-pm " PHPEEK_VERSION "\n");
  EXPECT_EQ(b.out, a.out);
}

TEST(CliTest, UsageErrorsExitTwoWithOneLineHint) {
  const RunResult r = RunBinary({"check-config", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "phpeek-pm: unknown option '--bogus' for check-config "
            "(try 'phpeek-pm check-config --help')\n");
  const RunResult unknown = RunBinary({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "phpeek-pm: unknown command 'frobnicate' (try 'phpeek-pm --help')\n");
}

TEST(CliTest, HelpExitsZeroOnEverySubcommand) {
  for (const char* s :
       {"serve", "check-config", "version", "status", "start", "stop", "restart", "scale"}) {
    const RunResult r = RunBinary({s, "--help"});
    EXPECT_EQ(r.exit_code, 0) << s;
    EXPECT_NE(r.out.find("Usage: phpeek-pm"), std::string::npos) << s;
  }
}

TEST(CliTest, DryRunPrintsThePlanAndStartsNothing) {
  TempDir dir;
  const std::string path = dir.Write("c.yaml",
                                     "global:\n  api_enabled: false\n"
                                     "processes:\n"
                                     "  web:\n    command: [\"sleep\", \"60\"]\n    scale: 3\n");
  const RunResult r = RunBinary({"serve", "--dry-run", "-c", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("web"), std::string::npos);
  EXPECT_NE(r.out.find("scale=3"), std::string::npos);
}

// Every problem is logged, warnings too (a typo next to the error), each with its place; a problem
// without a hint has no empty hint field.
TEST(CliTest, InvalidConfigStopsServeWithExitOne) {
  TempDir dir;
  const std::string path = dir.Write("c.yaml",
                                     "global:\n  shutdown_timeot: 5\nprocesses:\n  web:\n    "
                                     "command: [\"true\"]\n    scale: -1\n");
  const RunResult r = RunBinary({"-c", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("configuration is invalid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("key=global.shutdown_timeot hint=\"did you mean 'shutdown_timeout'?\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("line=6 column=12 key=processes.web.scale\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("hint=\"\""), std::string::npos) << r.out;
}

// The daemon (PID 1 in a container) must say why it does not start, never spin on a config: a
// document of just `,` made yaml-cpp 0.7's LoadAll loop forever, allocating.
TEST(CliTest, StrayFlowTokenStopsServeAtOnceWithThePlace) {
  TempDir dir;
  for (const char* text : {",\n", "[1, 2], 3\n"}) {
    const std::string path = dir.Write("c.yaml", text);
    const RunResult r = RunCommand({PHPEEK_BINARY, "-c", path}, {}, std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 1) << text << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("YAML syntax error: unexpected ','"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("line=1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("configuration is invalid"), std::string::npos) << r.out;
  }
}

// A file's scale above global.max_process_scale (100, the bound for API scaling) runs.
TEST(CliTest, FileScaleAboveMaxProcessScaleRuns) {
  TempDir dir;
  const std::string path = dir.Write("c.yaml",
                                     "global:\n  api_enabled: false\n"
                                     "processes:\n  web:\n    command: [\"sleep\", \"60\"]\n"
                                     "    scale: 120\n");
  Daemon daemon({"-c", path});
  EXPECT_TRUE(WaitUntil([&] { return ChildrenOf(daemon.pid()).size() == 120; }))
      << ChildrenOf(daemon.pid()).size() << "\n"
      << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

TEST(CliTest, MissingConfigFileIsNamed) {
  const RunResult r = RunBinary({"-c", "/nonexistent/phpeek-pm.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE((r.out + r.err).find("/nonexistent/phpeek-pm.yaml"), std::string::npos);
}

// Keys parsed but not acted on yet would be warned once each at start-up; every key used here is
// acted on (log_buffer_* since the process-log history, which this test warned about before):
// no warning.
TEST(CliTest, KeysActedOnAreNotWarnedAtStartup) {
  TempDir dir;
  const std::string path =
      dir.Write("c.yaml",
                "global:\n"
                "  api_enabled: false\n"
                "  log_format: json\n"
                "  log_buffer_lines: 50\n"
                "  readiness:\n    enabled: true\n    path: " +
                    dir.Join("ready") +
                    "\n"
                    "hooks:\n"
                    "  pre-start:\n    - name: hello\n      command: [\"true\"]\n"
                    "processes:\n"
                    "  web:\n"
                    "    command: [\"sleep\", \"60\"]\n"
                    "    health_check:\n      type: tcp\n      address: 127.0.0.1:1\n"
                    "    logging:\n      stdout: true\n"
                    "    shutdown:\n      pre_stop_hook: {command: [\"true\"]}\n"
                    "  nightly:\n"
                    "    command: [\"true\"]\n"
                    "    schedule: \"0 2 * * *\"\n");
  Daemon daemon({"-c", path});
  ASSERT_TRUE(daemon.WaitForLog("process spawned")) << daemon.Log();
  daemon.Signal(SIGTERM);
  ASSERT_EQ(daemon.WaitExit(), 0);
  const std::string log = daemon.Log();
  EXPECT_EQ(log.find("\"key\":\"hooks\""), std::string::npos) << log;
  EXPECT_EQ(log.find("shutdown.pre_stop_hook"), std::string::npos) << log;
  EXPECT_EQ(log.find("not acted on yet"), std::string::npos) << log;
  for (const char* key :
       {"\"key\":\"global.log_buffer_lines\"", "\"key\":\"global.readiness\"",
        "\"key\":\"processes.web.health_check\"", "\"key\":\"processes.nightly.schedule\"",
        "\"key\":\"processes.web.logging\""}) {
    EXPECT_EQ(log.find(key), std::string::npos) << "acted on, yet warned: " << key << "\n" << log;
  }
}

}  // namespace
}  // namespace phpeek::testing
