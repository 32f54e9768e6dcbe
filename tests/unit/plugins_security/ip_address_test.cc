#include "plugins/common/security/ip_address.h"

#include <gtest/gtest.h>

namespace phpeek::security {
namespace {

IpAddress Ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(ParseIpAddress(text, &a)) << text;
  return a;
}

IpNetwork Net(const char* text) {
  IpNetwork n;
  std::string why;
  EXPECT_TRUE(ParseIpNetwork(text, &n, &why)) << text << ": " << why;
  return n;
}

std::string NetworkError(const char* text) {
  IpNetwork n;
  std::string why;
  EXPECT_FALSE(ParseIpNetwork(text, &n, &why)) << text;
  return why;
}

TEST(IpAddress, ParsesIpv4AndIpv6AndPrintsThemBack) {
  EXPECT_EQ(IpAddressText(Ip("127.0.0.1")), "127.0.0.1");
  EXPECT_EQ(IpAddressText(Ip("::1")), "::1");
  EXPECT_EQ(IpAddressText(Ip("[::1]")), "::1");
  EXPECT_EQ(IpAddressText(Ip("2001:DB8::1")), "2001:db8::1");
  IpAddress a;
  EXPECT_FALSE(ParseIpAddress("localhost", &a));
  EXPECT_FALSE(ParseIpAddress("10.0.0", &a));
  EXPECT_FALSE(ParseIpAddress("fe80::1%eth0", &a));
  EXPECT_FALSE(ParseIpAddress("", &a));
}

TEST(IpAddress, AnIpv4AddressEqualsItsMappedIpv6Form) {
  EXPECT_EQ(Ip("10.1.2.3"), Ip("::ffff:10.1.2.3"));
  EXPECT_TRUE(Net("10.0.0.0/8").Contains(Ip("::ffff:10.200.0.1")));
}

TEST(IpNetwork, MatchesByPrefixInBothFamilies) {
  EXPECT_TRUE(Net("10.0.0.0/8").Contains(Ip("10.255.255.255")));
  EXPECT_FALSE(Net("10.0.0.0/8").Contains(Ip("11.0.0.0")));
  EXPECT_TRUE(Net("192.168.1.128/25").Contains(Ip("192.168.1.200")));
  EXPECT_FALSE(Net("192.168.1.128/25").Contains(Ip("192.168.1.127")));
  EXPECT_TRUE(Net("0.0.0.0/0").Contains(Ip("8.8.8.8")));
  EXPECT_FALSE(Net("0.0.0.0/0").Contains(Ip("::1")));  // every IPv4 address, no IPv6 one
  EXPECT_TRUE(Net("fd00::/8").Contains(Ip("fd12:3456::1")));
  EXPECT_FALSE(Net("fd00::/8").Contains(Ip("fe80::1")));
  EXPECT_TRUE(Net("::1").Contains(Ip("::1")));
  EXPECT_FALSE(Net("::1").Contains(Ip("::2")));
  EXPECT_TRUE(Net("127.0.0.1").Contains(Ip("127.0.0.1")));
  EXPECT_FALSE(Net("127.0.0.1").Contains(Ip("127.0.0.2")));
  EXPECT_FALSE(Net("10.0.0.0/8").Contains(Ip("::a00:1")));  // IPv4-compatible, not mapped
}

TEST(IpNetwork, RefusesWhatIsNotANetworkWithTheReason) {
  EXPECT_NE(NetworkError("10.0.0.0/33").find("0 to 32"), std::string::npos);
  EXPECT_NE(NetworkError("fd00::/129").find("0 to 128"), std::string::npos);
  EXPECT_NE(NetworkError("10.0.0.0/").find("prefix"), std::string::npos);
  EXPECT_NE(NetworkError("10.0.0.0/8x").find("prefix"), std::string::npos);
  EXPECT_NE(NetworkError("10.0.0.1/8").find("bits set"), std::string::npos);
  EXPECT_NE(NetworkError("10.0.0.256/32").find("not an IPv4 or IPv6"), std::string::npos);
  EXPECT_NE(NetworkError("example.com/24").find("not an IPv4 or IPv6"), std::string::npos);
}

}  // namespace
}  // namespace phpeek::security
