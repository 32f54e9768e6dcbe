// OpenSSL only where https:// needs it: a serving daemon maps neither libssl nor libcrypto (nor
// the TLS client module), and the client commands load phpeek-pm-tls.so from <exe>/../lib/phpeek-pm
// for an https:// URL only: a copy of the executable without the module still speaks http://, and
// its https:// fails naming the module and dlerror(), with the exit code of other connection
// failures. (https:// through the module against a real daemon:
// tests/integration/rest_api/api_tls_test.cc.)
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <string>

#include "tests/support/test_support.h"
#include "tests/unit/cli/client/canned_server.h"

namespace phpeek::testing {
namespace {

using cli::client::testing::CannedAnswer;
using cli::client::testing::CannedServer;

// The lines of /proc/<pid>/maps that map libssl, libcrypto or the TLS client module.
std::string OpenSslMappings(const std::string& maps) {
  std::istringstream lines(maps);
  std::string line;
  std::string found;
  while (std::getline(lines, line)) {
    for (const char* name : {"/libssl", "/libcrypto", "/phpeek-pm-tls.so"}) {
      if (line.find(name) != std::string::npos) found += line + "\n";
    }
  }
  return found;
}

TEST(TlsModuleTest, AServingDaemonMapsNoOpenSsl) {
  TempDir dir;
  const std::string config = dir.Write("pm.yaml",
                                       "global:\n  api_enabled: false\n"
                                       "processes:\n  web:\n    command: [\"sleep\", \"1000\"]\n");
  Daemon daemon({"serve", "-c", config});
  ASSERT_TRUE(WaitUntil([&] { return ChildrenOf(daemon.pid()).size() == 1; })) << daemon.Log();
  const std::string maps = ReadFile("/proc/" + std::to_string(daemon.pid()) + "/maps");
  ASSERT_NE(maps.find("/libc.so"), std::string::npos) << maps;  // the reading shows libraries
  EXPECT_EQ(OpenSslMappings(maps), "");
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

TEST(TlsModuleTest, WithoutTheModuleHttpsFailsNamingItAndHttpWorks) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("bin"));
  const std::string copy = dir.Join("bin/phpeek-pm");  // no lib/phpeek-pm/phpeek-pm-tls.so beside
  std::filesystem::copy_file(BinaryPath(), copy);

  CannedServer plain(CannedAnswer{{"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}"}});
  ASSERT_TRUE(plain.listening());
  const RunResult http = RunCommand(
      {copy, "restart", "web", "--url", "http://127.0.0.1:" + std::to_string(plain.port())});
  EXPECT_EQ(http.exit_code, 0) << http.err;
  EXPECT_EQ(http.out, "web: restart initiated\n");

  // The module is loaded before connecting: no server is needed to see it missing.
  const std::string url = "https://127.0.0.1:" + std::to_string(FreePort());
  const RunResult https = RunCommand({copy, "restart", "web", "--url", url});
  const std::string module = dir.Join("lib/phpeek-pm/phpeek-pm-tls.so");
  EXPECT_EQ(https.err, "phpeek-pm: https:// needs phpeek-pm's TLS client module " + module +
                           ", which cannot be loaded: " + module +
                           ": cannot open shared object file: No such file or directory\n");
  const RunResult refused = RunCommand(
      {copy, "restart", "web", "--url", "http://127.0.0.1:" + std::to_string(FreePort())});
  EXPECT_NE(refused.err.find("(connection refused)"), std::string::npos) << refused.err;
  EXPECT_NE(https.exit_code, 0);
  EXPECT_EQ(https.exit_code, refused.exit_code);
}

}  // namespace
}  // namespace phpeek::testing
