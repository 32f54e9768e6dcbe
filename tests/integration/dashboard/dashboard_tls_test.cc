// The dashboard behind dashboard_tls and dashboard_acl on a real daemon (the listeners' shared
// security code, plugins/common/security): the page over https only, a Secure session cookie,
// and a client outside the access list refused with 403 JSON before any page or session.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/test_certificates.h"
#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

constexpr char kToken[] = "dashboard-tls-secret-1";

class DashboardTls : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(certs_.error, ""); }

  // Starts the daemon with the dashboard on a free port and `extra` global lines; the port is
  // read from its log.
  int Start(const std::string& extra) {
    const std::string cfg =
        dir_.Write("pm.yaml",
                   "version: \"1.0\"\nglobal:\n  log_format: text\n  api_enabled: false\n"
                   "  dashboard_enabled: true\n  dashboard_port: 0\n  api_auth: " +
                       std::string(kToken) +
                       "\n  dashboard_tls:\n    enabled: true\n"
                       "    cert_file: " +
                       certs_.server_cert + "\n    key_file: " + certs_.server_key + "\n" + extra +
                       "processes:\n  web:\n    command: [\"sleep\", \"1000\"]\n");
    daemon_ = std::make_unique<Daemon>(std::vector<std::string>{"-c", cfg});
    EXPECT_TRUE(daemon_->WaitForLog("dashboard listening on https://127.0.0.1:")) << daemon_->Log();
    std::smatch m;
    const std::string log = daemon_->Log();
    if (!std::regex_search(log, m,
                           std::regex("dashboard listening on https://127\\.0\\.0\\.1:(\\d+)"))) {
      return 0;
    }
    return std::stoi(m[1]);
  }

  // curl -sS with `args`; out is the body (and headers with -i), a space and the status.
  static RunResult Curl(std::vector<std::string> args) {
    std::vector<std::string> argv = {"curl", "-sS", "--max-time", "5", "-w", " %{http_code}"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, {}, std::chrono::seconds(10));
  }

  TempDir dir_;
  TempDir certs_dir_;
  TestCertificates certs_ = MakeTestCertificates(certs_dir_);
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(DashboardTls, ThePageIsServedOverHttpsWithASecureSessionCookie) {
  const int port = Start("");
  ASSERT_GT(port, 0);
  const std::string base = "https://127.0.0.1:" + std::to_string(port);
  const RunResult page = Curl({"--cacert", certs_.ca_cert, base + "/"});
  EXPECT_EQ(page.exit_code, 0) << page.err;
  EXPECT_NE(page.out.find("<title>phpeek-pm</title>"), std::string::npos) << page.out;
  const RunResult login = Curl({"--cacert", certs_.ca_cert, "-i", "-X", "POST", "--data",
                                "{\"token\":\"" + std::string(kToken) + "\"}", base + "/login"});
  EXPECT_NE(login.out.find("HttpOnly; SameSite=Strict; Secure"), std::string::npos) << login.out;
  // Plain HTTP on the TLS port gets no page.
  const RunResult plain = Curl({"http://127.0.0.1:" + std::to_string(port) + "/"});
  EXPECT_EQ(plain.out.find("<title>"), std::string::npos) << plain.out;
}

TEST_F(DashboardTls, AClientOutsideTheAccessListGets403Json) {
  const int port = Start(
      "  dashboard_acl:\n    enabled: true\n    mode: allow\n"
      "    allow_list: [10.0.0.0/8]\n");
  ASSERT_GT(port, 0);
  const RunResult r =
      Curl({"--cacert", certs_.ca_cert, "https://127.0.0.1:" + std::to_string(port) + "/"});
  EXPECT_NE(r.out.find("\"error\":\"forbidden\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 403"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace phpeek::testing
