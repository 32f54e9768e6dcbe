// Parsing of tcp addresses and http URLs (core/config/probe_target.h), as the prober uses them.
#include "core/config/probe_target.h"

#include <gtest/gtest.h>

namespace phpeek::config {
namespace {

TEST(ProbeTargetTest, InstanceIndexIsReplacedEverywhere) {
  EXPECT_EQ(ExpandInstanceIndex("127.0.0.1:900{instance_index}", 3), "127.0.0.1:9003");
  EXPECT_EQ(ExpandInstanceIndex("{instance_index}/{instance_index}", 12), "12/12");
  EXPECT_EQ(ExpandInstanceIndex("no placeholder {instance}", 1), "no placeholder {instance}");
}

TEST(ProbeTargetTest, TcpAddresses) {
  ProbeEndpoint e;
  std::string err;
  ASSERT_TRUE(ParseTcpAddress("127.0.0.1:9000", &e, &err)) << err;
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 9000);
  ASSERT_TRUE(ParseTcpAddress("[::1]:6379", &e, &err)) << err;
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 6379);
  ASSERT_TRUE(ParseTcpAddress("redis:6379", &e, &err)) << err;
  EXPECT_EQ(e.host, "redis");
  for (const char* bad :
       {"localhost", ":80", "h:0", "h:65536", "h:", "::1:80", "[::1]", "h:8x", "a b:80"}) {
    EXPECT_FALSE(ParseTcpAddress(bad, &e, &err)) << bad;
    EXPECT_EQ(err, "'" + std::string(bad) + "' is not host:port");
  }
}

TEST(ProbeTargetTest, HttpUrls) {
  ProbeEndpoint e;
  std::string err;
  ASSERT_TRUE(ParseHttpUrl("http://127.0.0.1:8080/health?full=1", &e, &err)) << err;
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 8080);
  EXPECT_EQ(e.path, "/health?full=1");
  EXPECT_EQ(e.host_header, "127.0.0.1:8080");
  ASSERT_TRUE(ParseHttpUrl("http://localhost", &e, &err)) << err;
  EXPECT_EQ(e.port, 80);
  EXPECT_EQ(e.path, "/");
  EXPECT_EQ(e.host_header, "localhost");
  ASSERT_TRUE(ParseHttpUrl("http://[::1]:81?x#frag", &e, &err)) << err;
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.path, "/?x");
  EXPECT_FALSE(ParseHttpUrl("https://127.0.0.1/", &e, &err));
  EXPECT_NE(err.find("https is not supported"), std::string::npos);
  EXPECT_FALSE(ParseHttpUrl("http://a/b c", &e, &err));
  EXPECT_NE(err.find("space or control character"), std::string::npos);
  EXPECT_FALSE(ParseHttpUrl("http://user@a/", &e, &err));
  EXPECT_FALSE(ParseHttpUrl("ftp://a/", &e, &err));
  EXPECT_FALSE(ParseHttpUrl("http:///x", &e, &err));
}

}  // namespace
}  // namespace phpeek::config
