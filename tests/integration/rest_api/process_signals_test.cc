// Process reloads and signals on the real daemon: POST /api/v1/processes/{name}/reload and
// /signal, `phpeek-pm reload NAME --wait` and `phpeek-pm signal`, and forward_signals (the
// daemon's own USR1 goes only to the processes that list it). The children are shell scripts
// that write each signal they catch to a file of their instance.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/integration/rest_api/api_daemon.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::BinaryPath;
using phpeek::testing::ReadFile;
using phpeek::testing::RunCommand;
using phpeek::testing::WaitUntil;

// Writes each caught signal's name to <dir>/<instance id>.signals.
std::string TrapScript(const phpeek::testing::TempDir& dir) {
  return dir.Write("trap.sh",
                   "out=\"" + dir.path() +
                       "/$PHPEEK_PM_INSTANCE_ID.signals\"\n"
                       "for s in USR1 USR2 WINCH HUP; do trap \"echo $s >> $out\" $s; done\n"
                       ": > \"$out\"\n"
                       "while :; do sleep 0.05; done\n");
}

std::string Processes(const std::string& script) {
  return "  fpm:\n    command: [\"sh\", \"" + script +
         "\"]\n    scale: 2\n    reload_signal: SIGUSR2\n    forward_signals: [SIGUSR1]\n"
         "  plain:\n    command: [\"sh\", \"" +
         script + "\"]\n";
}

class ProcessSignals : public ::testing::Test {
 protected:
  // Every line `name` ever appears in the instance's file.
  size_t Caught(const std::string& instance, const std::string& name) {
    return phpeek::testing::CountOf(ReadFile(scripts_.Join(instance + ".signals")), name + "\n");
  }
  bool AllStarted(ApiDaemon& d) {
    return WaitUntil([&] {
      return RunningPids(d.Process("fpm")).size() == 2 &&
             RunningPids(d.Process("plain")).size() == 1 &&
             ReadFile(scripts_.Join("plain-0.signals")) == "" &&
             ::access(scripts_.Join("fpm-1.signals").c_str(), F_OK) == 0;
    });
  }
  phpeek::testing::TempDir scripts_;
};

TEST_F(ProcessSignals, ReloadAndSignalRoutes) {
  ApiDaemon d("", Processes(TrapScript(scripts_)));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(AllStarted(d)) << d.daemon().Log();

  Reply r = d.Call("POST", "/api/v1/processes/fpm/reload");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"reload initiated","process":"fpm"})");
  EXPECT_TRUE(WaitUntil([&] {
    return Caught("fpm-0", "USR2") == 1 && Caught("fpm-1", "USR2") == 1;
  })) << d.daemon().Log();
  const auto instances = d.Process("fpm")->getArray("instances");
  for (size_t i = 0; i < instances->size(); ++i) {
    EXPECT_EQ(instances->getObject(static_cast<unsigned>(i))->getValue<int>("reloads"), 1);
  }
  r = d.Call("POST", "/api/v1/processes/plain/reload");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("has no reload_signal"), std::string::npos) << r.body;
  EXPECT_EQ(d.Call("POST", "/api/v1/processes/nope/reload").status, 404);

  r = d.Call("POST", "/api/v1/processes/fpm/signal", R"({"signal":"winch"})");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(
      r.body,
      R"({"message":"signal initiated","process":"fpm","signal":"SIGWINCH","target":"leader"})");
  r = d.Call("POST", "/api/v1/processes/plain/signal", R"({"signal":"HUP","target":"group"})");
  EXPECT_EQ(r.status, 202);
  EXPECT_TRUE(WaitUntil([&] {
    return Caught("fpm-0", "WINCH") == 1 && Caught("fpm-1", "WINCH") == 1 &&
           Caught("plain-0", "HUP") == 1;
  })) << d.daemon().Log();
  r = d.Call("POST", "/api/v1/processes/fpm/signal", R"({"signal":"SIGFOO"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown signal \\\"SIGFOO\\\""), std::string::npos) << r.body;
  EXPECT_EQ(d.Call("POST", "/api/v1/processes/fpm/signal", "").status, 400);
  EXPECT_EQ(Caught("plain-0", "USR2") + Caught("plain-0", "WINCH"), 0u);
  EXPECT_EQ(RunningPids(d.Process("fpm")).size(), 2u);  // a signal is not a restart
}

// The daemon's USR1 goes to the processes whose forward_signals list it, and to no other; a
// signal nobody forwards is logged as ignored.
TEST_F(ProcessSignals, ForwardSignalsPassesOnlyWhatAProcessLists) {
  ApiDaemon d("", Processes(TrapScript(scripts_)));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(AllStarted(d)) << d.daemon().Log();
  ASSERT_EQ(::kill(d.daemon().pid(), SIGUSR1), 0);
  EXPECT_TRUE(WaitUntil([&] {
    return Caught("fpm-0", "USR1") == 1 && Caught("fpm-1", "USR1") == 1;
  })) << d.daemon().Log();
  ASSERT_EQ(::kill(d.daemon().pid(), SIGWINCH), 0);
  EXPECT_TRUE(d.daemon().WaitForLog("signal ignored signal=SIGWINCH")) << d.daemon().Log();
  EXPECT_EQ(Caught("plain-0", "USR1"), 0u);
  EXPECT_EQ(Caught("fpm-0", "WINCH") + Caught("plain-0", "WINCH"), 0u);
}

TEST_F(ProcessSignals, ClientReloadWaitAndSignal) {
  ApiDaemon d("", Processes(TrapScript(scripts_)));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(AllStarted(d)) << d.daemon().Log();
  const std::map<std::string, std::string> env = {{"PHPEEK_PM_API_URL", d.base_url()}};
  auto r = RunCommand({BinaryPath(), "reload", "fpm", "--wait", "--timeout", "20"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fpm: reloaded, running, 2/2 instances running"), std::string::npos)
      << r.out;
  EXPECT_TRUE(
      WaitUntil([&] { return Caught("fpm-0", "USR2") == 1 && Caught("fpm-1", "USR2") == 1; }));
  r = RunCommand({BinaryPath(), "reload", "plain"}, env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("409"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("has no reload_signal"), std::string::npos) << r.err;
  r = RunCommand({BinaryPath(), "signal", "fpm", "winch"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "fpm: SIGWINCH sent to each instance's main process\n");
  EXPECT_TRUE(WaitUntil([&] { return Caught("fpm-1", "WINCH") == 1; }));
  r = RunCommand({BinaryPath(), "signal", "fpm", "FOO"}, env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown signal"), std::string::npos) << r.err;
  r = RunCommand({BinaryPath(), "reload", "--wait"}, env);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("reload NAME --wait"), std::string::npos) << r.err;
  r = RunCommand({BinaryPath(), "signal", "fpm"}, env);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("a process name and a signal"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace phpeek::rest::itest
