// config_test on the real daemon: a failing test keeps the running instance through a restart, a
// process reload and a configuration reload (same pid, the error in the API and the log, the
// clients exit 1 at once); a passing one lets each go on; before a spawn a failure fails the
// instance. The test is a shell command that fails while a marker file exists.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/integration/rest_api/api_daemon.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::BinaryPath;
using phpeek::testing::RunCommand;
using phpeek::testing::WaitUntil;

class ConfigTestIt : public ::testing::Test {
 protected:
  std::string Processes(const std::string& extra = "") {
    return "  web:\n    command: [\"sleep\", \"600\"]\n    reload_signal: SIGHUP\n"
           "    config_test: \"test ! -e " +
           broken_ + "\"\n" + extra;
  }
  void Break(bool broken) {
    if (broken) {
      std::ofstream(broken_) << "x";
    } else {
      ::unlink(broken_.c_str());
    }
  }
  int RunsOf(ApiDaemon& d) {
    const auto p = d.Process("web");
    return p && p->has("config_test") ? p->getObject("config_test")->getValue<int>("runs") : -1;
  }
  phpeek::testing::TempDir dir_;
  std::string broken_ = dir_.Join("broken");
};

TEST_F(ConfigTestIt, AFailureKeepsTheRunningInstanceThroughRestartAndReload) {
  ApiDaemon d("", Processes());
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return RunningPids(d.Process("web")).size() == 1; }));
  const int pid = RunningPids(d.Process("web")).at(0);
  const std::map<std::string, std::string> env = {{"PHPEEK_PM_API_URL", d.base_url()}};

  Break(true);
  auto r = RunCommand({BinaryPath(), "restart", "web", "--wait", "--timeout", "20"}, env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the config test of web failed (exit code 1); its running instances are "
                       "kept as they were"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(
      d.daemon().WaitForLog("config test failed; the running instances are kept as they "
                            "are process=web action=restart"))
      << d.daemon().Log();
  EXPECT_EQ(d.Process("web")->getObject("config_test")->getValue<std::string>("error"),
            "exit code 1");
  r = RunCommand({BinaryPath(), "reload", "web", "--wait", "--timeout", "20"}, env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the config test of web failed"), std::string::npos) << r.err;
  EXPECT_EQ(RunsOf(d), 2);
  EXPECT_EQ(RunningPids(d.Process("web")), std::vector<int>{pid});

  // A configuration reload that would restart web: the new test fails, web keeps running.
  d.dir().Write("phpeek-pm.yaml",
                phpeek::testing::ReadFile(d.config_path()) + "    env: {CHANGED: \"1\"}\n");
  EXPECT_EQ(d.Call("POST", "/api/v1/config/reload").status, 200);
  EXPECT_TRUE(WaitUntil([&] { return RunsOf(d) == 3; })) << d.daemon().Log();
  EXPECT_EQ(RunningPids(d.Process("web")), std::vector<int>{pid});

  Break(false);
  r = RunCommand({BinaryPath(), "restart", "web", "--wait", "--timeout", "20"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto now = RunningPids(d.Process("web"));
  ASSERT_EQ(now.size(), 1u);
  EXPECT_NE(now[0], pid);
  EXPECT_FALSE(d.Process("web")->getObject("config_test")->has("error"));
}

TEST_F(ConfigTestIt, AFailureBeforeTheFirstSpawnFailsTheInstance) {
  Break(true);
  // `idle` keeps the daemon up: with every process failed it would end.
  ApiDaemon d("", Processes("  idle:\n    command: [\"sleep\", \"600\"]\n"));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  EXPECT_TRUE(WaitUntil([&] {
    const auto p = d.Process("web");
    return p && p->getArray("instances")->getObject(0)->getValue<std::string>("state") == "failed";
  })) << d.daemon().Log();
  EXPECT_EQ(d.Process("web")->getArray("instances")->getObject(0)->getValue<std::string>("reason"),
            "config_test failed: exit code 1");
}

}  // namespace
}  // namespace phpeek::rest::itest
