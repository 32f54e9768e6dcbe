#include "core/health/resolver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace phpeek::health {
namespace {

TEST(ResolverTest, LiteralsAreAnsweredAtOnce) {
  supervisor::Loop loop;
  std::string err;
  ASSERT_TRUE(loop.Init(&err)) << err;
  Resolver resolver(loop);
  bool called = false;
  EXPECT_EQ(resolver.Resolve("127.0.0.1", 9000,
                             [&](bool ok, const SocketAddress& a, const std::string&) {
                               called = ok;
                               const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a.storage);
                               EXPECT_EQ(ntohs(v4->sin_port), 9000);
                             }),
            0u);
  EXPECT_TRUE(called);
  SocketAddress v6;
  EXPECT_TRUE(LiteralAddress("::1", 80, &v6));
  EXPECT_EQ(v6.storage.ss_family, AF_INET6);
  EXPECT_FALSE(LiteralAddress("localhost", 80, &v6));
}

// One lookup for every probe waiting on a name, answered on the loop; then from the cache.
TEST(ResolverTest, NamesAreLookedUpOnceOnTheWorkerThenCached) {
  supervisor::Loop loop;
  std::string err;
  ASSERT_TRUE(loop.Init(&err)) << err;
  Resolver resolver(loop);
  int answers = 0;
  std::vector<int> ports;
  auto done = [&](bool ok, const SocketAddress& a, const std::string& e) {
    EXPECT_TRUE(ok) << e;
    ++answers;
    ports.push_back(ntohs(reinterpret_cast<const sockaddr_in*>(&a.storage)->sin_port));
  };
  EXPECT_NE(resolver.Resolve("localhost", 1, done), 0u);
  const uint64_t cancelled = resolver.Resolve("localhost", 2, done);
  EXPECT_NE(resolver.Resolve("localhost", 3, done), 0u);
  resolver.Cancel(cancelled);
  EXPECT_EQ(answers, 0);  // never from inside Resolve for a name
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (answers < 2 && Clock::now() < deadline) loop.RunOnce(false);
  EXPECT_EQ(answers, 2);
  EXPECT_EQ(ports, (std::vector<int>{1, 3}));
  EXPECT_EQ(resolver.Resolve("localhost", 4, done), 0u);  // cached
  EXPECT_EQ(answers, 3);
  EXPECT_EQ(ports.back(), 4);
}

}  // namespace
}  // namespace phpeek::health
