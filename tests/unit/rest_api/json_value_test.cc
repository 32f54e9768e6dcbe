#include "plugins/rest-api/json_value.h"

#include <gtest/gtest.h>

namespace phpeek::rest {
namespace {

JsonValue Parse(const std::string& text) {
  JsonValue v;
  std::string err;
  EXPECT_TRUE(ParseJson(text, &v, &err)) << text << ": " << err;
  return v;
}

std::string Error(const std::string& text) {
  JsonValue v;
  std::string err;
  EXPECT_FALSE(ParseJson(text, &v, &err)) << text;
  return err;
}

TEST(JsonValue, ParsesNestedDocuments) {
  const JsonValue v = Parse(R"( {"a":[1,-2,3.5,true,null,"x\u00e9\n"],"b":{}} )");
  ASSERT_EQ(v.kind, JsonValue::Kind::kObject);
  const JsonValue* a = v.Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->array.size(), 6u);
  EXPECT_EQ(a->array[1].integer, -2);
  EXPECT_EQ(a->array[2].kind, JsonValue::Kind::kNumber);
  EXPECT_EQ(a->array[5].string, "x\xc3\xa9\n");
  EXPECT_EQ(Parse(R"("\ud83d\ude00")").string, "\xf0\x9f\x98\x80");
}

TEST(JsonValue, NumbersKeepIntegersApart) {
  EXPECT_EQ(Parse("5").kind, JsonValue::Kind::kInteger);
  EXPECT_EQ(Parse("5.0").kind, JsonValue::Kind::kNumber);
  EXPECT_EQ(Parse("5e2").kind, JsonValue::Kind::kNumber);
  EXPECT_EQ(Parse("9223372036854775807").integer, INT64_MAX);
  EXPECT_EQ(Parse("9223372036854775808").kind, JsonValue::Kind::kNumber);
}

TEST(JsonValue, RejectsWhatRfc8259Rejects) {
  EXPECT_EQ(Error(""), "invalid JSON at byte 0: unexpected end of input, expected a value");
  EXPECT_EQ(Error("{\"a\":1} x"), "invalid JSON at byte 8: unexpected data after the JSON value");
  EXPECT_EQ(Error("{\"a\":1,\"a\":2}"), "invalid JSON at byte 7: duplicate key \"a\"");
  EXPECT_NE(Error("01").find("leading zeros"), std::string::npos);
  EXPECT_NE(Error("[1,]").find("expected a value"), std::string::npos);
  EXPECT_NE(Error("{'a':1}").find("expected a string key"), std::string::npos);
  EXPECT_NE(Error("\"a\tb\"").find("control character"), std::string::npos);
  EXPECT_NE(Error("\"\\ud800\"").find("unpaired surrogate"), std::string::npos);
  EXPECT_NE(Error("tru").find("unknown literal"), std::string::npos);
  EXPECT_NE(Error("NaN").find("unexpected character"), std::string::npos);
  EXPECT_NE(Error(std::string(100, '[')).find("nesting too deep"), std::string::npos);
}

TEST(JsonValue, QuotesStrings) {
  std::string out;
  AppendJsonString(&out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, R"("a\"b\\c\n\u0001")");
}

}  // namespace
}  // namespace phpeek::rest
