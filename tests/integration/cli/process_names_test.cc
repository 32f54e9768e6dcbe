// Process names on the real binary: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters,
// case-sensitive (configuration.md). Files of the original PHPeek PM have capitals (`stubA`):
// check-config, the daemon and the API client take them; other names are refused with the rule.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "tests/support/test_support.h"
#include "tests/unit/cli/client/canned_server.h"

namespace phpeek::testing {
namespace {

using cli::client::testing::CannedAnswer;
using cli::client::testing::CannedServer;

const char kRule[] =
    "names match [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters: letters, digits, '_', '.', "
    "'-', starting with a letter or digit";

TEST(ProcessNamesTest, CheckConfigTakesCapitalsAndSaysTheRuleForOthers) {
  TempDir dir;
  const std::string good =
      dir.Write("good.yaml",
                "processes:\n"
                "  stubA: {command: [\"true\"]}\n"
                "  QUEUE_Worker-2.x: {command: [\"true\"], depends_on: [stubA]}\n");
  RunResult r = RunCommand({PHPEEK_BINARY, "check-config", "-c", good});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, good + ": valid (0 errors, 0 warnings)\n");

  const std::string bad = dir.Write("bad.yaml",
                                    "processes:\n"
                                    "  stubA: {command: [\"true\"]}\n"
                                    "  \"_stub\": {command: [\"true\"]}\n"
                                    "  \"stub b\": {command: [\"true\"]}\n");
  r = RunCommand({PHPEEK_BINARY, "check-config", "-c", bad});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(bad + ":3:3: error: processes._stub: invalid process name '_stub' (hint: " +
                       kRule + ")"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(bad + ":4:3: error: processes.stub b: invalid process name 'stub b'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("invalid (2 errors, 0 warnings)"), std::string::npos) << r.out;
}

TEST(ProcessNamesTest, DaemonRunsAProcessNamedWithCapitals) {
  TempDir dir;
  const std::string path = dir.Write("c.yaml",
                                     "global:\n  api_enabled: false\n"
                                     "processes:\n  stubA:\n    command: [\"sleep\", \"60\"]\n");
  Daemon daemon({"-c", path});
  ASSERT_TRUE(daemon.WaitForLog("process spawned")) << daemon.Log();
  std::vector<pid_t> children;
  ASSERT_TRUE(WaitUntil([&] {
    children = ChildrenOf(daemon.pid());
    return children.size() == 1 && EnvironOf(children[0]).count("PHPEEK_PM_INSTANCE_ID") == 1;
  })) << daemon.Log();
  const auto env = EnvironOf(children[0]);
  EXPECT_EQ(env.at("PHPEEK_PM_PROCESS_NAME"), "stubA");
  EXPECT_EQ(env.at("PHPEEK_PM_INSTANCE_ID"), "stubA-0");
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

TEST(ProcessNamesTest, ClientSendsCapitalsAsTheyAre) {
  CannedServer server(CannedAnswer{{"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}"}});
  ASSERT_TRUE(server.listening());
  const RunResult r = RunCommand({PHPEEK_BINARY, "restart", "stubA", "--url",
                                  "http://127.0.0.1:" + std::to_string(server.port())});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "stubA: restart initiated\n");
  EXPECT_EQ(server.Request().rfind("POST /api/v1/processes/stubA/restart HTTP/1.1\r\n", 0), 0u)
      << server.Request();
}

TEST(ProcessNamesTest, ClientRefusesOtherNamesWithTheRuleBeforeConnecting) {
  for (const char* name : {"a b", "../x", "_x", "x/y"}) {
    const RunResult r = RunCommand({PHPEEK_BINARY, "stop", name, "--url", "http://127.0.0.1:1"});
    EXPECT_EQ(r.exit_code, 2) << name << "\n" << r.err;
    EXPECT_EQ(r.err,
              std::string("phpeek-pm: invalid process name '") + name + "' (" + kRule + ")\n");
  }
}

}  // namespace
}  // namespace phpeek::testing
