// The dashboard plugin's keys on the real binary: known (and checked with their position) also
// while dashboard_enabled is false, its own warning when it would serve beyond loopback without
// api_auth, and a port already taken refused at start naming the key.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

std::string DashboardConfig(const std::string& global_extra) {
  return "version: \"1.0\"\n"
         "global:\n"
         "  log_format: text\n"
         "  api_enabled: false\n" +
         global_extra +
         "processes:\n"
         "  worker:\n"
         "    command: [\"sleep\", \"60\"]\n";
}

TEST(DashboardKeys, CheckedWithTheirPlaceEvenWhileTheDashboardIsOff) {
  TempDir dir;
  const std::string cfg = dir.Write(
      "pm.yaml", DashboardConfig("  dashboard_port: 70000\n  dashboard_sesion_ttl: 1h\n"));
  const RunResult r = RunCommand({PHPEEK_BINARY, "check-config", "-c", cfg});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(cfg + ":5:19: error: global.dashboard_port: must be between 0 and 65535, "
                             "got 70000"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(cfg + ":6:3: warning: global.dashboard_sesion_ttl: unknown key"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("did you mean 'dashboard_session_ttl'?"), std::string::npos) << r.err;
}

TEST(DashboardKeys, ServingBeyondLoopbackWithoutATokenIsAWarning) {
  TempDir dir;
  const std::string open = dir.Write(
      "open.yaml", DashboardConfig("  dashboard_enabled: true\n  dashboard_host: 0.0.0.0\n"));
  const RunResult r = RunCommand({PHPEEK_BINARY, "check-config", "--strict", "-c", open});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(open + ":6:3: warning: global.dashboard_host: the dashboard listens on "
                              "0.0.0.0 without authentication"),
            std::string::npos)
      << r.err;
  const std::string closed =
      dir.Write("closed.yaml", DashboardConfig("  dashboard_enabled: true\n  dashboard_host: "
                                               "0.0.0.0\n  api_auth: a-long-secret\n"));
  const RunResult ok = RunCommand({PHPEEK_BINARY, "check-config", "--strict", "-c", closed});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

TEST(DashboardKeys, APortInUseStopsTheStartNamingTheKey) {
  const int taken = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(taken, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(taken, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  TempDir dir;
  const std::string cfg =
      dir.Write("pm.yaml", DashboardConfig("  dashboard_enabled: true\n  dashboard_port: " +
                                           std::to_string(ntohs(addr.sin_port)) + "\n"));
  const RunResult r = RunCommand({PHPEEK_BINARY, "-c", cfg});
  ::close(taken);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("dashboard_port"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace phpeek::testing
