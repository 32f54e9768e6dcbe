// The `phpeek-pm status|start|stop|restart|scale` client against a real daemon.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/integration/rest_api/api_daemon.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::BinaryPath;
using phpeek::testing::RunCommand;

const char kScalableWebAndIdle[] =
    "  web:\n    command: [\"sleep\", \"600\"]\n    scale: 2\n    max_scale: 4\n"
    "  idle:\n    command: [\"sleep\", \"600\"]\n    initial_state: stopped\n";

TEST(ClientCli, StatusTableAndJson) {
  ApiDaemon d("", kScalableWebAndIdle);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(
      phpeek::testing::WaitUntil([&] { return RunningPids(d.Process("web")).size() == 2; }));
  auto r = RunCommand({BinaryPath(), "status", "-c", d.ClientConfigPath()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("PROCESS", 0), 0u) << r.out;
  for (const char* text :
       {"INSTANCE", "STATE", "PID", "UPTIME", "RESTARTS", "web-0", "web-1", "idle-0", "stopped"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  r = RunCommand(
      {BinaryPath(), "status", "--json", "--url", "http://127.0.0.1:" + std::to_string(d.port())});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ParseObject(r.out)->getArray("processes")->size(), 2u);
}

TEST(ClientCli, ActionsWithWait) {
  ApiDaemon d("", kScalableWebAndIdle);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::map<std::string, std::string> env = {
      {"PHPEEK_PM_API_URL", "http://127.0.0.1:" + std::to_string(d.port())}};
  auto r = RunCommand({BinaryPath(), "start", "idle", "--wait", "--timeout", "20"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(RunningPids(d.Process("idle")).size(), 1u);
  r = RunCommand({BinaryPath(), "scale", "web", "4", "--wait", "--timeout", "20"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(RunningPids(d.Process("web")).size(), 4u);
  const auto before = RunningPids(d.Process("web"));
  r = RunCommand({BinaryPath(), "restart", "web", "--wait", "--timeout", "30"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (int pid : RunningPids(d.Process("web"))) {
    EXPECT_EQ(std::count(before.begin(), before.end(), pid), 0) << pid;
  }
  r = RunCommand({BinaryPath(), "stop", "web", "--wait", "--timeout", "20"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(RunningPids(d.Process("web")).empty());
}

TEST(ClientCli, ClearErrors) {
  ApiDaemon d("  api_auth: sekret\n", kScalableWebAndIdle);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::string url = "http://127.0.0.1:" + std::to_string(d.port());
  auto r = RunCommand({BinaryPath(), "status", "--url", url});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unauthorized"), std::string::npos) << r.err;
  r = RunCommand({BinaryPath(), "restart", "nope", "-c", d.ClientConfigPath()});  // token, URL
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such process 'nope'"), std::string::npos) << r.err;
  r = RunCommand({BinaryPath(), "status", "--url", url}, {{"PHPEEK_PM_API_TOKEN", "sekret"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The name for it (after the config key api_auth), when PHPEEK_PM_API_TOKEN is unset.
  r = RunCommand({BinaryPath(), "status", "--url", url}, {{"PHPEEK_PM_API_AUTH", "sekret"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunCommand({BinaryPath(), "status", "--url", url},
                 {{"PHPEEK_PM_API_TOKEN", "wrong"}, {"PHPEEK_PM_API_AUTH", "sekret"}});
  EXPECT_EQ(r.exit_code, 1) << "PHPEEK_PM_API_TOKEN comes first";
  r = RunCommand({BinaryPath(), "scale", "web", "lots", "--url", url});
  EXPECT_EQ(r.exit_code, 2);
  // The daemon's refusal with its detail: which limit, and its value.
  r = RunCommand({BinaryPath(), "scale", "web", "9", "-c", d.ClientConfigPath()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the daemon answered 400: invalid request body: scale 9 exceeds max_scale 4 "
                       "of process 'web'"),
            std::string::npos)
      << r.err;
  // api_port: 0 in the file says nothing about the port the daemon picked.
  r = RunCommand({BinaryPath(), "status", "-c", d.config_path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("sets api_port: 0"), std::string::npos) << r.err;
  // A port bound but not listening refuses every connection, for as long as it is held.
  const int held = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(held, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(held, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int dead_port = ntohs(addr.sin_port);
  r = RunCommand(
      {BinaryPath(), "status", "--url", "http://127.0.0.1:" + std::to_string(dead_port)});
  ::close(held);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot reach the phpeek-pm daemon"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("connection refused"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace phpeek::rest::itest
