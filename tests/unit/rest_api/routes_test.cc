#include "plugins/rest-api/routes.h"

#include <gtest/gtest.h>

namespace phpeek::rest {
namespace {

std::vector<std::string> Split(const std::string& target) {
  std::vector<std::string> segments;
  std::string err;
  EXPECT_TRUE(SplitPath(target, &segments, &err)) << target << ": " << err;
  return segments;
}

std::string SplitError(const std::string& target) {
  std::vector<std::string> segments;
  std::string err;
  EXPECT_FALSE(SplitPath(target, &segments, &err)) << target;
  return err;
}

TEST(Routes, SplitsAndDecodes) {
  EXPECT_EQ(Split("/api/v1/processes"), (std::vector<std::string>{"api", "v1", "processes"}));
  EXPECT_EQ(Split("/api/v1/processes?all=1#x"),
            (std::vector<std::string>{"api", "v1", "processes"}));
  EXPECT_EQ(Split("/a/%70hp-fpm"), (std::vector<std::string>{"a", "php-fpm"}));
  EXPECT_EQ(Split("/a/"), (std::vector<std::string>{"a", ""}));
  // RFC 9112 section 3.2.2: the absolute-form is accepted.
  EXPECT_EQ(Split("http://127.0.0.1:9180/api/v1/health?x"),
            (std::vector<std::string>{"api", "v1", "health"}));
  EXPECT_NE(SplitError("api/v1").find("absolute path"), std::string::npos);
  EXPECT_NE(SplitError("/a/%2").find("percent-encoding"), std::string::npos);
  EXPECT_NE(SplitError("/a/%g0").find("percent-encoding"), std::string::npos);
  EXPECT_NE(SplitError("/a/b%2Fc").find("encoded '/'"), std::string::npos);
  EXPECT_NE(SplitError("/a/../b").find("'..'"), std::string::npos);
  EXPECT_NE(SplitError("/a/./b").find("'.'"), std::string::npos);
  EXPECT_NE(SplitError("/a/%2E%2E").find("'..'"), std::string::npos);
}

TEST(Routes, MatchesMethodAndPath) {
  RouteMatch m = MatchRoute("POST", Split("/api/v1/processes/web/scale"));
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::kFound);
  EXPECT_EQ(m.route->id, RouteId::kScale);
  EXPECT_EQ(m.name, "web");
  m = MatchRoute("GET", Split("/api/v1/processes/web"));
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::kFound);
  EXPECT_EQ(m.route->id, RouteId::kGetProcess);
  // HEAD never reaches the routes (the server answers it as GET); Allow still names it.
  m = MatchRoute("PUT", Split("/api/v1/processes/web"));
  EXPECT_EQ(m.outcome, RouteMatch::Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD");
  m = MatchRoute("GET", Split("/api/v1/processes/web/scale"));
  EXPECT_EQ(m.allow, "POST");
  EXPECT_EQ(MatchRoute("GET", Split("/api/v1/processes/web/explode")).outcome,
            RouteMatch::Outcome::kNotFound);
  EXPECT_EQ(MatchRoute("GET", Split("/")).outcome, RouteMatch::Outcome::kNotFound);
}

TEST(Routes, OnlyHealthAndReadyArePublic) {
  EXPECT_TRUE(IsPublicPath(Split("/api/v1/health")));
  EXPECT_TRUE(IsPublicPath(Split("/api/v1/ready")));
  EXPECT_EQ(MatchRoute("GET", Split("/api/v1/ready")).route->id, RouteId::kReady);
  EXPECT_FALSE(IsPublicPath(Split("/api/v1/processes")));
  EXPECT_FALSE(IsPublicPath(Split("/api/v1/openapi.json")));
  EXPECT_FALSE(IsPublicPath(Split("/api/v1/health/x")));
}

}  // namespace
}  // namespace phpeek::rest
