#include "plugins/common/control/auth.h"

#include <gtest/gtest.h>

namespace phpeek::rest {
namespace {

TEST(Auth, ConstantTimeEquals) {
  EXPECT_TRUE(control::ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(control::ConstantTimeEquals("abd", "abc"));
  EXPECT_FALSE(control::ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(control::ConstantTimeEquals("abcd", "abc"));
  EXPECT_FALSE(control::ConstantTimeEquals("", "abc"));
  EXPECT_FALSE(control::ConstantTimeEquals(std::string("abc\0", 4), "abc"));
}

TEST(Auth, BearerScheme) {
  EXPECT_TRUE(control::BearerMatches("Bearer tok", "tok"));
  EXPECT_TRUE(control::BearerMatches("bearer tok", "tok"));
  EXPECT_TRUE(control::BearerMatches("  Bearer   tok  ", "tok"));
  EXPECT_FALSE(control::BearerMatches("Bearertok", "tok"));
  EXPECT_FALSE(control::BearerMatches("Bearer", "tok"));
  EXPECT_FALSE(control::BearerMatches("Bearer ", "tok"));
  EXPECT_FALSE(control::BearerMatches("", "tok"));
  EXPECT_FALSE(control::BearerMatches("Basic tok", "tok"));
  EXPECT_FALSE(control::BearerMatches("Bearer tok tok", "tok"));
  EXPECT_FALSE(control::BearerMatches("Bearer ", ""));
}

TEST(Auth, ConfiguredTokenMustBeSendable) {
  EXPECT_EQ(control::ValidateConfiguredToken("s3cret-._~+/="), "");
  EXPECT_NE(control::ValidateConfiguredToken("").find("empty"), std::string::npos);
  EXPECT_NE(control::ValidateConfiguredToken("tok ").find("whitespace"), std::string::npos);
  EXPECT_NE(control::ValidateConfiguredToken("a\nb").find("whitespace"), std::string::npos);
}

}  // namespace
}  // namespace phpeek::rest
