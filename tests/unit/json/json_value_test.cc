#include "core/json/json_value.h"

#include <gtest/gtest.h>

#include <string>

namespace phpeek::json {
namespace {

Value MustParse(std::string_view text) {
  Value v;
  std::string err;
  EXPECT_TRUE(Parse(text, &v, &err)) << text << ": " << err;
  return v;
}

std::string ParseError(std::string_view text) {
  Value v;
  std::string err;
  EXPECT_FALSE(Parse(text, &v, &err)) << text;
  return err;
}

TEST(JsonValue, BuildsTheTreeWithKindsAndTexts) {
  const std::string doc =
      R"( {"s": "a\"b", "n": -12, "f": 1.5e3, "t": true, "no": false, "z": null,)"
      R"( "list": [1, {"x": []}], "o": {}} )";
  const Value v = MustParse(doc);
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.text(), std::string_view(doc).substr(1, doc.size() - 2));
  ASSERT_EQ(v.members().size(), 8u);
  EXPECT_EQ(v.members()[0].first, "s");
  EXPECT_EQ(v.Find("s")->string(), "a\"b");
  EXPECT_EQ(v.Find("s")->text(), R"("a\"b")");
  EXPECT_EQ(v.Find("n")->kind(), ValueKind::kNumber);
  EXPECT_EQ(v.Find("f")->text(), "1.5e3");
  EXPECT_TRUE(v.Find("t")->boolean());
  EXPECT_EQ(v.Find("no")->kind(), ValueKind::kBool);
  EXPECT_FALSE(v.Find("no")->boolean());
  EXPECT_EQ(v.Find("z")->kind(), ValueKind::kNull);
  const Value* list = v.Find("list");
  ASSERT_TRUE(list && list->is_array());
  ASSERT_EQ(list->items().size(), 2u);
  EXPECT_EQ(list->items()[1].text(), R"({"x": []})");
  EXPECT_TRUE(list->items()[1].Find("x")->is_array());
  EXPECT_TRUE(v.Find("o")->members().empty());
  EXPECT_EQ(v.Find("missing"), nullptr);
  EXPECT_EQ(list->Find("x"), nullptr);  // not an object
}

TEST(JsonValue, IntegersOnlyWhenExactAndInRange) {
  const Value v =
      MustParse(R"({"a": 9223372036854775807, "b": -9223372036854775808, "c": 9223372036854775808,)"
                R"( "d": 1.0, "e": 1e2, "f": "7", "g": 0, "h": -0})");
  int64_t n = 0;
  ASSERT_TRUE(v.Find("a")->ToInt64(&n));
  EXPECT_EQ(n, INT64_MAX);
  ASSERT_TRUE(v.Find("b")->ToInt64(&n));
  EXPECT_EQ(n, INT64_MIN);
  EXPECT_FALSE(v.Find("c")->ToInt64(&n));
  EXPECT_FALSE(v.Find("d")->ToInt64(&n));
  EXPECT_FALSE(v.Find("e")->ToInt64(&n));
  EXPECT_FALSE(v.Find("f")->ToInt64(&n));
  EXPECT_EQ(v.IntOr("g", 5), 0);
  EXPECT_EQ(v.IntOr("h", 5), 0);
  EXPECT_EQ(v.IntOr("f", 5), 5);  // wrong type: fallback
  EXPECT_EQ(v.IntOr("x", 5), 5);  // absent: fallback
  EXPECT_EQ(v.StringOr("f", "-"), "7");
  EXPECT_EQ(v.StringOr("a", "-"), "-");
}

TEST(JsonValue, DecodesEscapesAndSurrogatePairs) {
  const Value v = MustParse(R"(["tab\t\/\\ \u00e9 \ud83d\ude00", "\ud800x", "\u0000"])");
  EXPECT_EQ(v.items()[0].string(), "tab\t/\\ \xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(v.items()[1].string(), "\xEF\xBF\xBDx");  // lone surrogate: U+FFFD
  EXPECT_EQ(v.items()[2].string(), std::string(1, '\0'));
}

TEST(JsonValue, LastDuplicateKeyWins) {
  const Value v = MustParse(R"({"a": 1, "a": 2})");
  EXPECT_EQ(v.IntOr("a", 0), 2);
  EXPECT_EQ(v.members().size(), 2u);
}

TEST(JsonValue, ErrorsNameWhatAndWhere) {
  EXPECT_EQ(ParseError(""), "unexpected end at offset 0");
  EXPECT_EQ(ParseError("{\"a\":}"), "invalid value at offset 5");
  EXPECT_EQ(ParseError("{\"a\":1,}"), "expected member name at offset 7");
  EXPECT_EQ(ParseError("[1 2]"), "expected ',' or ']' at offset 3");
  EXPECT_EQ(ParseError("{\"a\" 1}"), "expected ':' at offset 5");
  EXPECT_EQ(ParseError("{\"a\":01}"), "expected ',' or '}' at offset 6");
  EXPECT_EQ(ParseError("\"x"), "unterminated string at offset 0");
  EXPECT_EQ(ParseError("\"\\q\""), "invalid escape at offset 2");
  EXPECT_EQ(ParseError("\"\\u12\""), "invalid escape at offset 2");
  EXPECT_EQ(ParseError("\"a\x01\""), "control character in string at offset 2");
  EXPECT_EQ(ParseError("nul"), "invalid literal at offset 0");
  EXPECT_EQ(ParseError("1."), "invalid number at offset 2");
  EXPECT_EQ(ParseError("-"), "invalid value at offset 0");
  EXPECT_EQ(ParseError("{} x"), "trailing characters at offset 3");
}

TEST(JsonValue, RefusesDeepNestingWithoutOverflowingTheStack) {
  const std::string ok = std::string(512, '[') + std::string(512, ']');
  MustParse(ok);
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(ParseError(deep), "nesting too deep at offset 513");
}

TEST(JsonValue, ReparsingResetsTheTree) {
  Value v = MustParse(R"({"a": [1, 2]})");
  std::string err;
  ASSERT_TRUE(Parse("[]", &v, &err));
  EXPECT_TRUE(v.is_array());
  EXPECT_TRUE(v.items().empty());
  EXPECT_TRUE(v.members().empty());
}

}  // namespace
}  // namespace phpeek::json
