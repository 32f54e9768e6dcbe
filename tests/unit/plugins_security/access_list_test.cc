#include "plugins/common/security/access_list.h"

#include <gtest/gtest.h>

namespace phpeek::security {
namespace {

// Parses `json` as the value of api_acl; the error when it fails.
std::string AclError(const std::string& json) {
  json::Document doc;
  std::string err;
  EXPECT_TRUE(doc.Parse(json, &err)) << err;
  AccessList acl;
  EXPECT_FALSE(AccessList::Parse("api_acl", doc.root(), &acl, &err)) << json;
  return err;
}

AccessList Acl(const std::string& json) {
  json::Document doc;
  std::string err;
  EXPECT_TRUE(doc.Parse(json, &err)) << err;
  AccessList acl;
  EXPECT_TRUE(AccessList::Parse("api_acl", doc.root(), &acl, &err)) << err;
  return acl;
}

TEST(AccessList, AllowModeServesOnlyItsList) {
  const AccessList acl =
      Acl(R"({"enabled":true,"mode":"allow","allow_list":["127.0.0.1","10.0.0.0/8","::1"]})");
  EXPECT_TRUE(acl.Allows("127.0.0.1"));
  EXPECT_TRUE(acl.Allows("10.9.8.7"));
  EXPECT_TRUE(acl.Allows("::1"));
  EXPECT_FALSE(acl.Allows("127.0.0.2"));
  EXPECT_FALSE(acl.Allows("::2"));
  EXPECT_FALSE(acl.Allows("?"));  // an unknown TCP peer is refused
  EXPECT_TRUE(acl.Allows(""));    // a Unix socket's client
}

TEST(AccessList, DenyModeServesAllButItsList) {
  const AccessList acl =
      Acl(R"({"enabled":true,"mode":"deny","deny_list":["192.168.0.0/16","fd00::/8"]})");
  EXPECT_TRUE(acl.Allows("127.0.0.1"));
  EXPECT_TRUE(acl.Allows("::1"));
  EXPECT_FALSE(acl.Allows("192.168.3.4"));
  EXPECT_FALSE(acl.Allows("fd00::5"));
}

TEST(AccessList, DisabledOrAbsentServesEveryone) {
  EXPECT_TRUE(Acl(R"({"enabled":false,"allow_list":["10.0.0.1"]})").Allows("127.0.0.1"));
  AccessList absent;
  std::string err;
  EXPECT_TRUE(AccessList::Parse("api_acl", json::Value(), &absent, &err));
  EXPECT_FALSE(absent.enabled());
  EXPECT_TRUE(absent.Allows("8.8.8.8"));
}

TEST(AccessList, ABadEntryIsAnErrorNamingTheKeyAndTheEntry) {
  EXPECT_EQ(AclError(R"({"enabled":true,"allow_list":["10.0.0.0/8","10.0.0.0/33"]})"),
            "api_acl.allow_list[1]: invalid address or CIDR '10.0.0.0/33': the prefix length "
            "after '/' must be a number from 0 to 32");
  EXPECT_NE(AclError(R"({"enabled":true,"allow_list":["::1"],"deny_list":["nope"]})")
                .find("api_acl.deny_list[0]: invalid address or CIDR 'nope'"),
            std::string::npos);
  EXPECT_EQ(AclError(R"({"enabled":true,"mode":"block","allow_list":["::1"]})"),
            "api_acl.mode: expected allow or deny");
  EXPECT_EQ(AclError(R"({"enabled":true,"allow":["::1"]})"),
            "api_acl.allow: unknown member (known: enabled, mode, allow_list, deny_list, "
            "trust_proxy)");
  EXPECT_EQ(AclError(R"({"enabled":true,"mode":"allow"})"),
            "api_acl.allow_list: empty with mode allow, which would refuse every client");
  EXPECT_EQ(AclError(R"({"enabled":"yes"})"), "api_acl.enabled: expected true or false");
  EXPECT_NE(AclError(R"({"enabled":true,"allow_list":"10.0.0.1"})").find("expected a list"),
            std::string::npos);
}

TEST(AccessList, ForwardedForCountsOnlyWithTrustProxyAndThenItsLastAddress) {
  const AccessList plain = Acl(R"({"enabled":true,"allow_list":["10.0.0.1"]})");
  std::string client, why;
  ASSERT_TRUE(plain.ClientAddress("127.0.0.1", "10.0.0.1", &client, &why));
  EXPECT_EQ(client, "127.0.0.1");

  const AccessList proxied =
      Acl(R"({"enabled":true,"allow_list":["10.0.0.1"],"trust_proxy":true})");
  ASSERT_TRUE(proxied.ClientAddress("127.0.0.1", "10.0.0.1", &client, &why));
  EXPECT_EQ(client, "10.0.0.1");
  // The first entries are the client's own claims: only the proxy's (the last) counts.
  ASSERT_TRUE(proxied.ClientAddress("127.0.0.1", "10.0.0.1, 203.0.113.9", &client, &why));
  EXPECT_EQ(client, "203.0.113.9");
  ASSERT_TRUE(proxied.ClientAddress("127.0.0.1", "10.0.0.9,[2001:db8::1]", &client, &why));
  EXPECT_EQ(client, "2001:db8::1");
  ASSERT_TRUE(proxied.ClientAddress("127.0.0.1", "", &client, &why));
  EXPECT_EQ(client, "127.0.0.1");
  EXPECT_FALSE(proxied.ClientAddress("127.0.0.1", "10.0.0.1, unknown", &client, &why));
  EXPECT_EQ(why, "X-Forwarded-For does not end with an IP address");
}

}  // namespace
}  // namespace phpeek::security
