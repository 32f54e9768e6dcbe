// The Management API of a real daemon with api_tls, api_acl and audit_enabled (issue 15 part 3):
// curl and the client commands over https (with and without client certificates), the access
// list over IPv4 and IPv6 with and without trust_proxy, the audit lines, and bad settings as
// configuration errors at the key, from check-config and at start-up. Certificates are made by
// the test with the openssl CLI.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/test_certificates.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::BinaryPath;
using phpeek::testing::RunCommand;
using phpeek::testing::RunResult;

constexpr char kToken[] = "tls-test-secret-4711";
const char kSleeper[] = "  web:\n    command: [\"sleep\", \"1000\"]\n";

class ApiTls : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(certs_.error, ""); }

  // `api_tls:` lines with the server's certificate and `extra` members (indented by four).
  std::string TlsLines(const std::string& extra = "") const {
    return "  api_tls:\n    enabled: true\n    cert_file: " + certs_.server_cert +
           "\n    key_file: " + certs_.server_key + "\n" + extra;
  }

  // curl -sS with `args` against `url`; out is the body, a space and the status.
  static RunResult Curl(const std::vector<std::string>& args, const std::string& url) {
    std::vector<std::string> argv = {"curl", "-sS", "--max-time", "5", "-w", " %{http_code}"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(url);
    return RunCommand(argv, {}, std::chrono::seconds(10));
  }

  static std::string HttpsUrl(const ApiDaemon& d, const std::string& path) {
    return "https://127.0.0.1:" + std::to_string(d.port()) + path;
  }

  RunResult Cli(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}) const {
    std::vector<std::string> argv = {BinaryPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, env, std::chrono::seconds(20));
  }

  phpeek::testing::TempDir certs_dir_;
  phpeek::testing::TestCertificates certs_ = phpeek::testing::MakeTestCertificates(certs_dir_);
};

TEST_F(ApiTls, ServesHttpsAndAuditsMutationsAndAuthFailuresWithoutTheToken) {
  ApiDaemon d(TlsLines() + "  api_auth: " + kToken + "\n  audit_enabled: true\n", kSleeper);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  EXPECT_TRUE(d.daemon().LogContains("Management API listening on https://127.0.0.1:"));
  const std::string bearer = std::string("Authorization: Bearer ") + kToken;

  const RunResult list =
      Curl({"--cacert", certs_.ca_cert, "-H", bearer}, HttpsUrl(d, "/api/v1/processes"));
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("\"name\":\"web\""), std::string::npos) << list.out;
  EXPECT_EQ(Curl({"--cacert", certs_.ca_cert, "-H", "Authorization: Bearer wrong"},
                 HttpsUrl(d, "/api/v1/processes"))
                .out,
            R"({"error":"unauthorized"} 401)");
  EXPECT_EQ(Curl({"--cacert", certs_.ca_cert, "-X", "POST", "-H", bearer},
                 HttpsUrl(d, "/api/v1/processes/web/restart"))
                .out,
            R"({"message":"restart initiated","process":"web"} 202)");

  ASSERT_TRUE(d.daemon().WaitForLog(R"("action":"POST /api/v1/processes/web/restart")"));
  const std::string log = d.daemon().Log();
  EXPECT_NE(log.find(R"({"audit":"api","actor":"127.0.0.1","action":"GET /api/v1/processes",)"
                     R"("target":"","status":401,"result":"unauthorized"})"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(R"({"audit":"api","actor":"127.0.0.1",)"
                     R"("action":"POST /api/v1/processes/web/restart","target":"web",)"
                     R"("status":202,"result":"ok"})"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find(kToken), std::string::npos) << "the token leaked into the log";
  // A read that succeeds is not audited.
  EXPECT_EQ(phpeek::testing::CountOf(log, "\"audit\":"), 2u) << log;
}

TEST_F(ApiTls, TheClientCommandsSpeakHttpsAndVerifyTheServer) {
  ApiDaemon d(TlsLines() + "  api_auth: " + kToken + "\n", kSleeper);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::string url = HttpsUrl(d, "");
  const RunResult ok = Cli({"status", "--url", url, "--token", kToken, "--cacert", certs_.ca_cert});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("web-0"), std::string::npos) << ok.out;

  const RunResult untrusted =
      Cli({"status", "--url", url, "--token", kToken, "--cacert", certs_.other_ca_cert});
  EXPECT_NE(untrusted.exit_code, 0);
  EXPECT_NE(untrusted.err.find("the server's certificate is not trusted"), std::string::npos)
      << untrusted.err;
  // The name in the URL must be in the certificate: localhost is, 127.0.0.2 is not.
  const std::string port = std::to_string(d.port());
  EXPECT_EQ(Cli({"status", "--url", "https://localhost:" + port, "--token", kToken, "--cacert",
                 certs_.ca_cert})
                .exit_code,
            0);
  EXPECT_NE(Cli({"status", "--url", "https://127.0.0.2:" + port, "--token", kToken, "--cacert",
                 certs_.ca_cert})
                .exit_code,
            0);
  // From the configuration: https, and the server's own certificate pinned.
  const RunResult from_config = Cli({"status", "-c", d.ClientConfigPath()});
  EXPECT_EQ(from_config.exit_code, 0) << from_config.err;
}

TEST_F(ApiTls, MutualTlsNeedsAClientCertificateFromTheCa) {
  ApiDaemon d(TlsLines("    ca_file: " + certs_.ca_cert + "\n    client_auth: verify\n"), kSleeper);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::string url = HttpsUrl(d, "");
  const RunResult without = Cli({"status", "--url", url, "--cacert", certs_.ca_cert});
  EXPECT_NE(without.exit_code, 0);
  const RunResult foreign = Cli({"status", "--url", url, "--cacert", certs_.ca_cert, "--cert",
                                 certs_.other_client_cert, "--key", certs_.other_client_key});
  EXPECT_NE(foreign.exit_code, 0);
  const RunResult with = Cli({"status", "--url", url, "--cacert", certs_.ca_cert, "--cert",
                              certs_.client_cert, "--key", certs_.client_key});
  EXPECT_EQ(with.exit_code, 0) << with.err;
  const RunResult env = Cli({"status", "--url", url}, {{"PHPEEK_PM_API_CACERT", certs_.ca_cert},
                                                       {"PHPEEK_PM_API_CERT", certs_.client_cert},
                                                       {"PHPEEK_PM_API_KEY", certs_.client_key}});
  EXPECT_EQ(env.exit_code, 0) << env.err;
}

TEST_F(ApiTls, TheAccessListRefusesWith403AndAuditsIt) {
  ApiDaemon d(
      "  audit_enabled: true\n  api_acl:\n    enabled: true\n    mode: allow\n"
      "    allow_list: [\"10.0.0.0/8\"]\n",
      kSleeper);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const Reply r = d.Call("GET", "/api/v1/health");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            R"({"error":"forbidden","detail":"the client address 127.0.0.1 is not allowed by )"
            R"(api_acl"})");
  // Without trust_proxy, X-Forwarded-For changes nothing.
  EXPECT_EQ(d.Call("GET", "/api/v1/health", "", {{"X-Forwarded-For", "10.1.2.3"}}).status, 403);
  EXPECT_TRUE(d.daemon().WaitForLog(R"("action":"GET /api/v1/health","target":"","status":403)"));
}

TEST_F(ApiTls, TrustProxyTakesTheLastForwardedAddress) {
  ApiDaemon d(
      "  api_acl:\n    enabled: true\n    mode: allow\n    allow_list: [\"10.0.0.0/8\"]\n"
      "    trust_proxy: true\n",
      kSleeper);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  EXPECT_EQ(d.Call("GET", "/api/v1/health", "", {{"X-Forwarded-For", "10.1.2.3"}}).status, 200);
  EXPECT_EQ(
      d.Call("GET", "/api/v1/health", "", {{"X-Forwarded-For", "10.1.2.3, 192.0.2.1"}}).status,
      403);
  EXPECT_EQ(d.Call("GET", "/api/v1/health").status, 403);  // no header: the peer, 127.0.0.1
}

TEST_F(ApiTls, TheAccessListMatchesIpv6Clients) {
  ApiDaemon allowed(
      "  api_host: \"::1\"\n  api_acl:\n    enabled: true\n    mode: allow\n"
      "    allow_list: [\"127.0.0.1\", \"::1/128\"]\n",
      kSleeper);
  ASSERT_TRUE(allowed.ready()) << allowed.daemon().Log();
  const std::string v6 = "http://[::1]:" + std::to_string(allowed.port()) + "/api/v1/health";
  EXPECT_EQ(Curl({"-g"}, v6).out, R"({"status":"healthy"} 200)");

  ApiDaemon denied(
      "  api_host: \"::1\"\n  api_acl:\n    enabled: true\n    mode: deny\n"
      "    deny_list: [\"::/0\"]\n",
      kSleeper);
  ASSERT_TRUE(denied.ready()) << denied.daemon().Log();
  const std::string url = "http://[::1]:" + std::to_string(denied.port()) + "/api/v1/health";
  EXPECT_EQ(Curl({"-g"}, url).out,
            R"({"error":"forbidden","detail":"the client address ::1 is not allowed by api_acl"})"
            " 403");
}

TEST_F(ApiTls, AReloadReadsTheCertificateAgain) {
  ApiDaemon d(TlsLines(), kSleeper);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::string url = HttpsUrl(d, "/api/v1/health");
  ASSERT_EQ(Curl({"--cacert", certs_.ca_cert}, url).out, R"({"status":"healthy"} 200)");
  // The same key, certified by the other CA, written over the certificate file.
  const RunResult resigned =
      RunCommand({"openssl", "x509", "-req", "-in", certs_dir_.Join("server.csr"), "-CA",
                  certs_.other_ca_cert, "-CAkey", certs_.other_ca_key, "-CAcreateserial", "-out",
                  certs_.server_cert, "-days", "2", "-extfile", certs_dir_.Join("server.ext")});
  ASSERT_EQ(resigned.exit_code, 0) << resigned.err;
  d.daemon().Signal(SIGHUP);
  EXPECT_TRUE(phpeek::testing::WaitUntil([&] {
    return Curl({"--cacert", certs_.other_ca_cert}, url).exit_code == 0;
  })) << d.daemon().Log();
  EXPECT_EQ(Curl({"--cacert", certs_.ca_cert}, url).exit_code, 60);
}

TEST_F(ApiTls, BadSettingsAreConfigurationErrorsAtTheKey) {
  phpeek::testing::TempDir dir;
  const std::string garbage = dir.Write("garbage.key", "not a key\n");
  const std::string config =
      dir.Write("bad.yaml",
                "version: \"1.0\"\nglobal:\n  api_enabled: true\n  api_tls:\n"
                "    enabled: true\n    cert_file: " +
                    dir.Join("missing.crt") + "\n    key_file: " + certs_.server_key +
                    "\n  api_acl:\n    enabled: true\n    allow_list: [\"10.0.0.0/33\"]\n"
                    "processes:\n" +
                    kSleeper);
  const RunResult check = Cli({"check-config", "-c", config});
  EXPECT_EQ(check.exit_code, 1);
  const std::string all = check.out + check.err;
  EXPECT_NE(all.find("bad.yaml:4:3: error: global.api_tls: api_tls.cert_file: cannot read '" +
                     dir.Join("missing.crt") + "': No such file or directory"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.yaml:8:3: error: global.api_acl: api_acl.allow_list[0]: invalid "
                     "address or CIDR '10.0.0.0/33'"),
            std::string::npos)
      << all;

  const std::string unreadable_key = dir.Write(
      "key.yaml",
      "version: \"1.0\"\nglobal:\n  api_enabled: true\n  api_tls:\n"
      "    enabled: true\n    cert_file: " +
          certs_.server_cert + "\n    key_file: " + garbage + "\nprocesses:\n" + kSleeper);
  const RunResult start = Cli({"-c", unreadable_key});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_NE((start.out + start.err)
                .find("api_tls.key_file: '" + garbage + "' is not an unencrypted PEM private key"),
            std::string::npos)
      << start.out << start.err;
}

TEST_F(ApiTls, AuditWithALogLevelThatDropsItIsAWarning) {
  phpeek::testing::TempDir dir;
  const std::string config =
      dir.Write("audit.yaml", std::string("version: \"1.0\"\nglobal:\n  log_level: warn\n"
                                          "  audit_enabled: true\nprocesses:\n") +
                                  kSleeper);
  const RunResult check = Cli({"check-config", "--strict", "-c", config});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE((check.out + check.err)
                .find("audit.yaml:4:3: warning: global.audit_enabled: the audit lines are info "
                      "lines, which log_level: warn drops"),
            std::string::npos)
      << check.out << check.err;
}

}  // namespace
}  // namespace phpeek::rest::itest
