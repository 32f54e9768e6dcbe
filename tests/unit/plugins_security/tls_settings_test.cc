#include "plugins/common/security/tls_settings.h"

#include <gtest/gtest.h>

#include "plugins/common/security/listener_security.h"
#include "plugins/common/security/tls_context.h"
#include "tests/support/test_certificates.h"

namespace phpeek::security {
namespace {

std::string TlsError(const std::string& json) {
  json::Document doc;
  std::string err;
  EXPECT_TRUE(doc.Parse(json, &err)) << err;
  TlsSettings s;
  EXPECT_FALSE(TlsSettings::Parse("api_tls", doc.root(), &s, &err)) << json;
  return err;
}

TlsSettings Tls(const std::string& json) {
  json::Document doc;
  std::string err;
  EXPECT_TRUE(doc.Parse(json, &err)) << err;
  TlsSettings s;
  EXPECT_TRUE(TlsSettings::Parse("api_tls", doc.root(), &s, &err)) << err;
  return s;
}

TEST(TlsSettings, ReadsEveryMember) {
  const TlsSettings s =
      Tls(R"({"enabled":true,"cert_file":"/c.pem","key_file":"/k.pem","ca_file":"/ca.pem",)"
          R"("client_auth":"verify","min_version":"TLS1.3"})");
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.cert_file, "/c.pem");
  EXPECT_EQ(s.ca_file, "/ca.pem");
  EXPECT_EQ(s.client_auth, ClientAuth::kVerify);
  EXPECT_EQ(s.min_version, 0x0304);
  EXPECT_EQ(
      Tls(R"({"enabled":true,"cert_file":"/c","key_file":"/k","min_version":1.2})").min_version,
      0x0303);
}

TEST(TlsSettings, RefusesWhatCouldNotWorkNamingTheMember) {
  EXPECT_EQ(TlsError(R"({"enabled":true,"cert_file":"/c"})"),
            "api_tls: enabled needs cert_file and key_file");
  EXPECT_EQ(TlsError(R"({"enabled":true,"cert_file":"c.pem","key_file":"/k"})"),
            "api_tls.cert_file: 'c.pem' must be an absolute path");
  EXPECT_EQ(TlsError(R"({"enabled":true,"cert_file":"/c","key_file":"/k","client_auth":"yes"})"),
            "api_tls.client_auth: expected none, request, require or verify");
  EXPECT_EQ(
      TlsError(R"({"enabled":true,"cert_file":"/c","key_file":"/k","client_auth":"require"})"),
      "api_tls.client_auth: checking client certificates needs ca_file");
  EXPECT_EQ(TlsError(R"({"enabled":true,"cert_file":"/c","key_file":"/k","min_version":"1.1"})"),
            "api_tls.min_version: expected \"1.2\" or \"1.3\", got '1.1' (TLS 1.0 and 1.1 are "
            "never offered)");
  EXPECT_EQ(TlsError(R"({"enabled":true,"certfile":"/c"})"),
            "api_tls.certfile: unknown member (known: enabled, cert_file, key_file, ca_file, "
            "client_auth, min_version)");
}

class TlsContextFiles : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(certs_.error, ""); }
  std::string Create(const std::string& cert, const std::string& key, const std::string& ca = "") {
    TlsSettings s;
    s.enabled = true;
    s.cert_file = cert;
    s.key_file = key;
    s.ca_file = ca;
    std::string err;
    const auto context = TlsContext::Create("api_tls", s, &err);
    EXPECT_EQ(context == nullptr, !err.empty());
    return err;
  }
  phpeek::testing::TempDir dir_;
  phpeek::testing::TestCertificates certs_ = phpeek::testing::MakeTestCertificates(dir_);
};

TEST_F(TlsContextFiles, LoadsAMatchingCertificateAndKey) {
  EXPECT_EQ(Create(certs_.server_cert, certs_.server_key, certs_.ca_cert), "");
}

TEST_F(TlsContextFiles, EachBadFileIsAnErrorNamingTheMemberAndTheFile) {
  EXPECT_EQ(Create(dir_.Join("missing.crt"), certs_.server_key),
            "api_tls.cert_file: cannot read '" + dir_.Join("missing.crt") +
                "': No such file or directory");
  EXPECT_EQ(Create(certs_.server_cert, dir_.Join("missing.key")),
            "api_tls.key_file: cannot read '" + dir_.Join("missing.key") +
                "': No such file or directory");
  const std::string garbage = dir_.Write("garbage.pem", "not a key\n");
  EXPECT_EQ(
      Create(certs_.server_cert, garbage)
          .rfind("api_tls.key_file: '" + garbage + "' is not an unencrypted PEM private key", 0),
      0u);
  EXPECT_EQ(Create(garbage, certs_.server_key)
                .rfind("api_tls.cert_file: '" + garbage + "' is not a PEM certificate", 0),
            0u);
  EXPECT_EQ(Create(certs_.server_cert, certs_.client_key),
            "api_tls.key_file: '" + certs_.client_key +
                "' does not belong to the certificate in '" + certs_.server_cert + "'");
  EXPECT_EQ(Create(certs_.server_cert, certs_.server_key, garbage)
                .rfind("api_tls.ca_file: '" + garbage + "' holds no PEM certificate", 0),
            0u);
}

TEST_F(TlsContextFiles, ReadListenerSecurityNamesTheKeyAtFault) {
  const std::string tls = R"({"enabled":true,"cert_file":")" + certs_.server_cert +
                          R"(","key_file":")" + dir_.Join("nope.key") + R"("})";
  const JsonLookup lookup = [&](const std::string& key, std::string* text, std::string*) {
    if (key == "metrics_tls") *text = tls;
    if (key == "metrics_acl") *text = R"({"enabled":true,"allow_list":["10.0.0.0/8x"]})";
    return true;
  };
  ListenerSecuritySettings s;
  std::string key, err;
  EXPECT_FALSE(ReadListenerSecurity(lookup, "metrics", &s, &key, &err));
  EXPECT_EQ(key, "metrics_tls");
  EXPECT_NE(err.find("metrics_tls.key_file: cannot read"), std::string::npos) << err;
  const JsonLookup acl_only = [&](const std::string& k, std::string* text, std::string*) {
    if (k != "metrics_acl") return false;
    *text = R"({"enabled":true,"allow_list":["10.0.0.0/8x"]})";
    return true;
  };
  EXPECT_FALSE(ReadListenerSecurity(acl_only, "metrics", &s, &key, &err));
  EXPECT_EQ(key, "metrics_acl");
  EXPECT_NE(err.find("metrics_acl.allow_list[0]: invalid address or CIDR '10.0.0.0/8x'"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace phpeek::security
