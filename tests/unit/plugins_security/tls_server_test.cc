// The plugins' HTTP server with a TLS endpoint (ListenerSecurity's transport), checked with real
// connections made by curl: protocol versions, the server's certificate, client certificates, the
// access list's 403, and certificates read again at a reload.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugins/common/http/server.h"
#include "plugins/common/security/listener_security.h"
#include "tests/support/test_certificates.h"

namespace phpeek::security {
namespace {

using phpeek::testing::RunCommand;
using phpeek::testing::RunResult;

class TlsServer : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(certs_.error, ""); }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  // `tls_members` and `acl`: JSON members of the listener's test_tls (enabled, cert_file and
  // key_file given) and its test_acl object.
  void Start(const std::string& tls_members, const std::string& acl = "",
             const std::string& host = "127.0.0.1") {
    tls_json_ = R"({"enabled":true,"cert_file":")" + certs_.server_cert + R"(","key_file":")" +
                certs_.server_key + "\"" + (tls_members.empty() ? "" : "," + tls_members) + "}";
    acl_json_ = acl;
    std::string err;
    ASSERT_TRUE(security_.Load(Lookup(), "test", &err)) << err;
    http::ServerOptions options;
    options.endpoints.push_back(http::Endpoint{host, 0, "", "test_port", {}});
    options.endpoints.back().make_transport = security_.TransportFactory();
    options.workers = 2;
    server_ = std::make_unique<http::Server>(
        std::move(options),
        [this](const http::HttpRequest& r) {
          if (auto refused = security_.Screen(r)) return *refused;
          http::HttpResponse ok;
          ok.content_type = "text/plain";
          ok.body = "hello " + r.peer;
          return ok;
        },
        nullptr);
    ASSERT_TRUE(server_->Start(&err)) << err;
    host_ = host;
  }

  JsonLookup Lookup() {
    return [this](const std::string& key, std::string* text, std::string*) {
      *text = key == "test_tls" ? tls_json_ : acl_json_;
      return !text->empty();
    };
  }

  std::string Url() const {
    const std::string h = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
    return "https://" + h + ":" + std::to_string(server_->port()) + "/x";
  }

  // curl with `args`; out is the body then the status.
  RunResult Curl(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"curl", "-sS", "--max-time", "5", "-w", " %{http_code}"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(Url());
    return RunCommand(argv, {}, std::chrono::seconds(10));
  }

  phpeek::testing::TempDir dir_;
  phpeek::testing::TestCertificates certs_ = phpeek::testing::MakeTestCertificates(dir_);
  std::string tls_json_, acl_json_, host_;
  ListenerSecurity security_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(TlsServer, ServesTls12AndTls13WithKeepAlive) {
  Start("");
  const RunResult v12 = Curl({"--cacert", certs_.ca_cert, "--tlsv1.2", "--tls-max", "1.2"});
  EXPECT_EQ(v12.exit_code, 0) << v12.err;
  EXPECT_EQ(v12.out, "hello 127.0.0.1 200");
  const RunResult v13 = Curl({"--cacert", certs_.ca_cert, "--tlsv1.3"});
  EXPECT_EQ(v13.exit_code, 0) << v13.err;
  EXPECT_EQ(v13.out, "hello 127.0.0.1 200");
  // Two requests on one connection: the TLS session carries keep-alive.
  std::vector<std::string> argv = {"curl", "-sS", "-v", "--cacert", certs_.ca_cert, Url(), Url()};
  const RunResult twice = RunCommand(argv, {}, std::chrono::seconds(10));
  EXPECT_EQ(twice.out, "hello 127.0.0.1hello 127.0.0.1");
  EXPECT_NE(twice.err.find("Re-using existing connection"), std::string::npos) << twice.err;
}

TEST_F(TlsServer, RefusesTls11AndWithMinVersion13AlsoTls12) {
  Start("");
  // SECLEVEL=0 lets curl's OpenSSL offer TLS 1.1: the refusal is the server's alert.
  const RunResult v11 = Curl({"--cacert", certs_.ca_cert, "--tlsv1.1", "--tls-max", "1.1",
                              "--ciphers", "DEFAULT@SECLEVEL=0"});
  EXPECT_NE(v11.exit_code, 0);
  EXPECT_NE(v11.err.find("alert protocol version"), std::string::npos) << v11.err;
  server_->Stop();

  Start(R"("min_version":"1.3")");
  const RunResult v12 = Curl({"--cacert", certs_.ca_cert, "--tls-max", "1.2"});
  EXPECT_NE(v12.exit_code, 0);
  EXPECT_NE(v12.err.find("alert protocol version"), std::string::npos) << v12.err;
  EXPECT_EQ(Curl({"--cacert", certs_.ca_cert}).out, "hello 127.0.0.1 200");
}

TEST_F(TlsServer, AClientTrustingAnotherCaRefusesTheServer) {
  Start("");
  const RunResult r = Curl({"--cacert", certs_.other_ca_cert});
  EXPECT_EQ(r.exit_code, 60) << r.err;  // CURLE_PEER_FAILED_VERIFICATION
}

TEST_F(TlsServer, VerifyRefusesAClientWithoutACertificateOrWithOneFromAnotherCa) {
  Start(R"("ca_file":")" + certs_.ca_cert + R"(","client_auth":"verify")");
  EXPECT_NE(Curl({"--cacert", certs_.ca_cert}).out, "hello 127.0.0.1 200");
  const RunResult other = Curl({"--cacert", certs_.ca_cert, "--cert", certs_.other_client_cert,
                                "--key", certs_.other_client_key});
  EXPECT_NE(other.exit_code, 0);
  EXPECT_NE(other.out, "hello 127.0.0.1 200");
  const RunResult good =
      Curl({"--cacert", certs_.ca_cert, "--cert", certs_.client_cert, "--key", certs_.client_key});
  EXPECT_EQ(good.out, "hello 127.0.0.1 200") << good.err;
}

TEST_F(TlsServer, RequestServesAClientWithoutACertificateButRefusesAForeignOne) {
  Start(R"("ca_file":")" + certs_.ca_cert + R"(","client_auth":"request")");
  EXPECT_EQ(Curl({"--cacert", certs_.ca_cert}).out, "hello 127.0.0.1 200");
  EXPECT_NE(Curl({"--cacert", certs_.ca_cert, "--cert", certs_.other_client_cert, "--key",
                  certs_.other_client_key})
                .out,
            "hello 127.0.0.1 200");
}

TEST_F(TlsServer, AnAccessListRefusesWith403Json) {
  Start("", R"({"enabled":true,"mode":"deny","deny_list":["127.0.0.0/8"]})");
  const RunResult r = Curl({"--cacert", certs_.ca_cert});
  EXPECT_EQ(r.out,
            R"({"error":"forbidden","detail":"the client address 127.0.0.1 is not allowed by )"
            R"(test_acl"} 403)");
}

TEST_F(TlsServer, OverIpv6TheAccessListSeesTheIpv6Address) {
  Start("", R"({"enabled":true,"mode":"allow","allow_list":["::1/128"]})", "::1");
  EXPECT_EQ(Curl({"--cacert", certs_.ca_cert}).out, "hello ::1 200");
}

TEST_F(TlsServer, AReloadReadsTheCertificatesAgainAndABadOneKeepsTheOld) {
  Start("");
  // The server's certificate from the other CA: new connections get it.
  const std::string old_cert = certs_.server_cert;
  const RunResult signed_other =
      RunCommand({"openssl", "x509", "-req", "-in", dir_.Join("server.csr"), "-CA",
                  certs_.other_ca_cert, "-CAkey", certs_.other_ca_key, "-CAcreateserial", "-out",
                  dir_.Join("server2.crt"), "-days", "2", "-extfile", dir_.Join("server.ext")});
  ASSERT_EQ(signed_other.exit_code, 0) << signed_other.err;
  tls_json_ = R"({"enabled":true,"cert_file":")" + dir_.Join("server2.crt") + R"(","key_file":")" +
              certs_.server_key + R"("})";
  std::string err, note;
  ASSERT_TRUE(security_.Reload(Lookup(), &err, &note)) << err;
  EXPECT_EQ(note, "");
  EXPECT_EQ(Curl({"--cacert", certs_.other_ca_cert}).out, "hello 127.0.0.1 200");
  EXPECT_EQ(Curl({"--cacert", certs_.ca_cert}).exit_code, 60);

  tls_json_ = R"({"enabled":true,"cert_file":")" + dir_.Join("gone.crt") + R"(","key_file":")" +
              certs_.server_key + R"("})";
  EXPECT_FALSE(security_.Reload(Lookup(), &err, &note));
  EXPECT_NE(err.find("test_tls.cert_file: cannot read"), std::string::npos) << err;
  EXPECT_EQ(Curl({"--cacert", certs_.other_ca_cert}).out, "hello 127.0.0.1 200");
}

}  // namespace
}  // namespace phpeek::security
