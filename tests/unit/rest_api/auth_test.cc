#include "plugins/rest-api/auth.h"

#include <gtest/gtest.h>

namespace phpeek::rest {
namespace {

TEST(Auth, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abcd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "abc"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("abc\0", 4), "abc"));
}

TEST(Auth, BearerScheme) {
  EXPECT_TRUE(BearerMatches("Bearer tok", "tok"));
  EXPECT_TRUE(BearerMatches("bearer tok", "tok"));
  EXPECT_TRUE(BearerMatches("  Bearer   tok  ", "tok"));
  EXPECT_FALSE(BearerMatches("Bearertok", "tok"));
  EXPECT_FALSE(BearerMatches("Bearer", "tok"));
  EXPECT_FALSE(BearerMatches("Bearer ", "tok"));
  EXPECT_FALSE(BearerMatches("", "tok"));
  EXPECT_FALSE(BearerMatches("Basic tok", "tok"));
  EXPECT_FALSE(BearerMatches("Bearer tok tok", "tok"));
  EXPECT_FALSE(BearerMatches("Bearer ", ""));
}

TEST(Auth, ConfiguredTokenMustBeSendable) {
  EXPECT_EQ(ValidateConfiguredToken("s3cret-._~+/="), "");
  EXPECT_NE(ValidateConfiguredToken("").find("empty"), std::string::npos);
  EXPECT_NE(ValidateConfiguredToken("tok ").find("whitespace"), std::string::npos);
  EXPECT_NE(ValidateConfiguredToken("a\nb").find("whitespace"), std::string::npos);
}

}  // namespace
}  // namespace phpeek::rest
