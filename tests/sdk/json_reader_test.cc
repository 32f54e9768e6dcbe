// phpeek/json.hpp, the SDK's JSON reader, compiled as C++17 as a plugin author would.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "phpeek/json.hpp"

namespace phpeek::json {
namespace {

Document MustParse(std::string_view text, const Options& options = Options()) {
  Document doc;
  std::string err;
  EXPECT_TRUE(doc.Parse(text, &err, options)) << text << ": " << err;
  return doc;
}

std::string ParseError(std::string_view text, const Options& options = Options()) {
  Document doc;
  std::string err;
  EXPECT_FALSE(doc.Parse(text, &err, options)) << text;
  EXPECT_TRUE(doc.root().missing()) << text;
  return err;
}

TEST(JsonReader, BuildsTheTreeWithKindsTextsAndOffsets) {
  const std::string text =
      R"( {"s": "a\"b", "n": -12, "f": 1.5e3, "t": true, "no": false, "z": null,)"
      R"( "list": [1, {"x": []}], "o": {}} )";
  const Document doc = MustParse(text);
  const Value v = doc.root();
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.text(), std::string_view(text).substr(1, text.size() - 2));
  EXPECT_EQ(v.offset(), 1u);
  EXPECT_EQ(v.size(), 8u);
  EXPECT_EQ(v["s"].AsString().value, "a\"b");
  EXPECT_EQ(v["s"].text(), R"("a\"b")");
  EXPECT_EQ(v["s"].offset(), text.find(R"("a\")"));
  EXPECT_EQ(v["n"].kind(), Kind::kNumber);
  EXPECT_EQ(v["f"].text(), "1.5e3");
  EXPECT_TRUE(v["t"].AsBool().value);
  EXPECT_TRUE(v["no"].AsBool().ok());
  EXPECT_FALSE(v["no"].AsBool().value);
  EXPECT_TRUE(v["z"].is_null());
  EXPECT_FALSE(v["z"].missing());
  const Value list = v["list"];
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].text(), R"({"x": []})");
  EXPECT_TRUE(list[1]["x"].is_array());
  EXPECT_EQ(list[1]["x"].size(), 0u);
  EXPECT_TRUE(list[2].missing());
  EXPECT_TRUE(v["o"].is_object());
  EXPECT_TRUE(v["o"].members().empty());
  EXPECT_TRUE(v["absent"].missing());
  EXPECT_TRUE(list["x"].missing());  // not an object
  EXPECT_TRUE(v[0].missing());       // not an array
}

TEST(JsonReader, IteratesMembersInDocumentOrderAndElementsOverNestedValues) {
  const Document doc = MustParse(R"({"b": [1, [2, 3], {"c": 4}], "a": "x", "e\u00e9": null})");
  std::vector<std::string> keys;
  for (const Member m : doc.root().members()) keys.emplace_back(m.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"b", "a", "e\xC3\xA9"}));
  std::vector<std::string> texts;
  for (const Value e : doc.root()["b"].items()) texts.emplace_back(e.text());
  EXPECT_EQ(texts, (std::vector<std::string>{"1", "[2, 3]", R"({"c": 4})"}));
  EXPECT_EQ(doc.root()["e\xC3\xA9"].kind(), Kind::kNull);
  EXPECT_EQ(doc.root().members().Find("a").AsString().value, "x");
}

TEST(JsonReader, TypedReadsTellMissingFromWrongTypeFromOutOfRange) {
  const Document doc = MustParse(
      R"({"i": 9223372036854775807, "min": -9223372036854775808, "big": 9223372036854775808,)"
      R"( "frac": 1.0, "exp": 1e2, "str": "7", "zero": -0, "huge": 1e400, "d": 0.25, "arr": [],)"
      R"( "obj": {"k": 1}, "b": false})");
  const Value v = doc.root();
  EXPECT_EQ(v["i"].AsInt64().value, INT64_MAX);
  EXPECT_EQ(v["min"].AsInt64().value, INT64_MIN);
  EXPECT_EQ(v["big"].AsInt64().found, Found::kOutOfRange);
  EXPECT_EQ(v["frac"].AsInt64().found, Found::kWrongType);
  EXPECT_EQ(v["exp"].AsInt64().found, Found::kWrongType);
  EXPECT_EQ(v["str"].AsInt64().found, Found::kWrongType);
  EXPECT_EQ(v["nope"].AsInt64().found, Found::kMissing);
  EXPECT_TRUE(v["nope"].AsInt64().missing());
  EXPECT_EQ(v["nope"].AsInt64().value_or(5), 5);
  EXPECT_EQ(v["str"].AsInt64().value_or(5), 5);
  EXPECT_EQ(v["zero"].AsInt64().value, 0);
  EXPECT_EQ(v["d"].AsDouble().value, 0.25);
  EXPECT_EQ(v["exp"].AsDouble().value, 100.0);
  EXPECT_EQ(v["big"].AsDouble().value, 9223372036854775808.0);
  EXPECT_EQ(v["huge"].AsDouble().found, Found::kOutOfRange);
  EXPECT_EQ(v["str"].AsDouble().found, Found::kWrongType);
  EXPECT_EQ(v["str"].AsString().value, "7");
  EXPECT_EQ(v["i"].AsString().found, Found::kWrongType);
  EXPECT_EQ(v["b"].AsBool().found, Found::kOk);
  EXPECT_EQ(v["str"].AsBool().found, Found::kWrongType);
  EXPECT_EQ(v["nope"].AsBool().found, Found::kMissing);
  EXPECT_TRUE(v["arr"].AsArray().ok());
  EXPECT_EQ(v["obj"].AsArray().found, Found::kWrongType);
  ASSERT_TRUE(v["obj"].AsObject().ok());
  EXPECT_EQ(v["obj"].AsObject().value.Find("k").AsInt64().value, 1);
  EXPECT_EQ(v["arr"].AsObject().found, Found::kWrongType);
  EXPECT_EQ(v["nope"].AsObject().found, Found::kMissing);
  EXPECT_STREQ(FoundName(Found::kWrongType), "wrong type");
  EXPECT_STREQ(KindName(v["b"].kind()), "boolean");
}

TEST(JsonReader, DecodesEscapesSurrogatePairsAndRawUtf8) {
  const Document doc =
      MustParse(R"(["tab\t\/\\ \u00e9 \ud83d\ude00", "\u0000", "caf\u00E9", "\u20ac \u0041", )"
                "\"raw \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\", \"\\b\\f\\n\\r\\\"\"]");
  const Value v = doc.root();
  EXPECT_EQ(v[0].AsString().value, "tab\t/\\ \xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(v[1].AsString().value, std::string(1, '\0'));
  EXPECT_EQ(v[2].AsString().value, "caf\xC3\xA9");
  EXPECT_EQ(v[3].AsString().value, "\xE2\x82\xAC A");
  EXPECT_EQ(v[4].AsString().value, "raw \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(v[5].AsString().value, "\b\f\n\r\"");
}

TEST(JsonReader, ErrorsNameTheByteOffsetAndWhat) {
  EXPECT_EQ(ParseError(""), "invalid JSON at byte 0: unexpected end of input, expected a value");
  EXPECT_EQ(ParseError("  "), "invalid JSON at byte 2: unexpected end of input, expected a value");
  EXPECT_EQ(ParseError("{\"a\":}"),
            "invalid JSON at byte 5: unexpected character '}', expected a value");
  EXPECT_EQ(ParseError("[1 2]"),
            "invalid JSON at byte 3: expected ',' or ']' after an array element");
  EXPECT_EQ(ParseError("{\"a\":1 \"b\":2}"),
            "invalid JSON at byte 7: expected ',' or '}' after an object member");
  EXPECT_EQ(ParseError("{\"a\" 1}"), "invalid JSON at byte 5: expected ':' after a member name");
  EXPECT_EQ(ParseError("{1:2}"), "invalid JSON at byte 1: expected a string as member name");
  EXPECT_EQ(ParseError("\"x"), "invalid JSON at byte 0: unterminated string");
  EXPECT_EQ(ParseError("[1,"), "invalid JSON at byte 3: unexpected end of input, expected a value");
  EXPECT_EQ(ParseError("[1"), "invalid JSON at byte 2: unexpected end of input in an array");
  EXPECT_EQ(ParseError("{\"a\":1"), "invalid JSON at byte 6: unexpected end of input in an object");
  EXPECT_EQ(ParseError("\"\\q\""), "invalid JSON at byte 1: invalid escape \\q");
  EXPECT_EQ(ParseError("\"\\u12zz\""),
            "invalid JSON at byte 1: invalid \\u escape (needs 4 hex digits)");
  EXPECT_EQ(ParseError("\"\\u12"), "invalid JSON at byte 1: truncated \\u escape");
  EXPECT_EQ(ParseError("\"a\x01\""),
            "invalid JSON at byte 2: control character in string (escape it)");
  EXPECT_EQ(ParseError("nul"), "invalid JSON at byte 0: invalid literal, expected null");
  EXPECT_EQ(ParseError("truth"), "invalid JSON at byte 0: invalid literal, expected true");
  EXPECT_EQ(ParseError("truex"), "invalid JSON at byte 4: unexpected data after the JSON value");
  EXPECT_EQ(ParseError("1."), "invalid JSON at byte 2: expected a digit after '.'");
  EXPECT_EQ(ParseError("1e+"), "invalid JSON at byte 3: expected a digit in the exponent");
  EXPECT_EQ(ParseError("-"), "invalid JSON at byte 1: expected a digit");
  EXPECT_EQ(ParseError("{} x"), "invalid JSON at byte 3: unexpected data after the JSON value");
  EXPECT_EQ(ParseError("[\x01]"), "invalid JSON at byte 1: unexpected byte 0x01, expected a value");
}

TEST(JsonReader, IsStrictAboutRfc8259) {
  // Trailing commas.
  EXPECT_EQ(ParseError("[1,]"), "invalid JSON at byte 2: trailing comma before ']'");
  EXPECT_EQ(ParseError("{\"a\":1 , }"), "invalid JSON at byte 7: trailing comma before '}'");
  EXPECT_EQ(ParseError("[,1]"),
            "invalid JSON at byte 1: unexpected character ',', expected a value");
  // Leading zeros, NaN, Infinity, hex, plus signs.
  EXPECT_EQ(ParseError("{\"a\":01}"), "invalid JSON at byte 5: leading zeros are not allowed");
  EXPECT_EQ(ParseError("-012"), "invalid JSON at byte 1: leading zeros are not allowed");
  EXPECT_EQ(ParseError("NaN"),
            "invalid JSON at byte 0: unexpected character 'N', expected a value");
  EXPECT_EQ(ParseError("[-Infinity]"), "invalid JSON at byte 2: expected a digit");
  EXPECT_EQ(ParseError("Infinity"),
            "invalid JSON at byte 0: unexpected character 'I', expected a value");
  EXPECT_EQ(ParseError("+1"), "invalid JSON at byte 0: unexpected character '+', expected a value");
  EXPECT_EQ(ParseError("0x10"), "invalid JSON at byte 1: unexpected data after the JSON value");
  EXPECT_EQ(ParseError(".5"), "invalid JSON at byte 0: unexpected character '.', expected a value");
  // Lone surrogates, in either order.
  EXPECT_EQ(ParseError(R"("\ud800")"), "invalid JSON at byte 1: lone high surrogate in \\u escape");
  EXPECT_EQ(ParseError(R"("\ud800\u0041")"),
            "invalid JSON at byte 1: lone high surrogate in \\u escape");
  EXPECT_EQ(ParseError(R"("x\udc00")"), "invalid JSON at byte 2: lone low surrogate in \\u escape");
  EXPECT_EQ(ParseError(R"("\ude00\ud83d")"),
            "invalid JSON at byte 1: lone low surrogate in \\u escape");
  // Invalid UTF-8: a stray continuation, an overlong form, an encoded surrogate, beyond U+10FFFF,
  // a truncated sequence; before and after an escape (both scanning paths).
  for (const char* bad : {"\"\x80\"", "\"\xC0\xAF\"", "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"",
                          "\"\xE2\x82\"", "\"\xF5\x80\x80\x80\"", "\"\xFF\""}) {
    EXPECT_EQ(ParseError(bad), "invalid JSON at byte 1: invalid UTF-8 in string") << bad;
  }
  EXPECT_EQ(ParseError("\"\\n\xC0\xAF\""), "invalid JSON at byte 3: invalid UTF-8 in string");
  EXPECT_EQ(ParseError("[\"a\"]\xC3"),
            "invalid JSON at byte 5: unexpected data after the JSON value");
  // Byte order mark, comments, single quotes, duplicate member names.
  EXPECT_EQ(ParseError("\xEF\xBB\xBF{}"), "invalid JSON at byte 0: byte order mark is not allowed");
  EXPECT_EQ(ParseError("[1 // one\n]"),
            "invalid JSON at byte 3: expected ',' or ']' after an array element");
  EXPECT_EQ(ParseError("['a']"),
            "invalid JSON at byte 1: unexpected character ''', expected a value");
  EXPECT_EQ(ParseError(R"({"a": 1, "b": {"a": 2}, "a": 3})"),
            "invalid JSON at byte 24: duplicate member name \"a\"");
  EXPECT_EQ(ParseError(R"({"\u0061": 1, "a": 2})"),
            "invalid JSON at byte 14: duplicate member name \"a\"");
}

TEST(JsonReader, MessagesShowKeysAsWrittenInPrintableAscii) {
  EXPECT_EQ(ParseError("{\"caf\xC3\xA9\": 1, \"caf\xC3\xA9\": 2}"),
            "invalid JSON at byte 13: duplicate member name \"caf\\xc3\\xa9\"");
  EXPECT_EQ(ParseError(R"({"\u0001": 1, "\u0001": 2})"),
            "invalid JSON at byte 14: duplicate member name \"\\u0001\"");
  const std::string key(100, 'k');
  EXPECT_EQ(ParseError("{\"" + key + "\": 1, \"" + key + "\": 2}"),
            "invalid JSON at byte 108: duplicate member name \"" + std::string(43, 'k') + "...\"");
  EXPECT_EQ(ParseError("[\x7F]"), "invalid JSON at byte 1: unexpected byte 0x7f, expected a value");
}

TEST(JsonReader, FindsDuplicatesInLargeObjects) {
  std::string text = "{";
  for (int i = 0; i < 5000; ++i)
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  const size_t dup_at = text.size();
  text += "\"k1234\":0}";
  EXPECT_EQ(ParseError(text),
            "invalid JSON at byte " + std::to_string(dup_at) + ": duplicate member name \"k1234\"");
  text.replace(dup_at, 7, "\"k9999\"");
  const Document doc = MustParse(text);
  EXPECT_EQ(doc.root().size(), 5001u);
  EXPECT_EQ(doc.root()["k4999"].AsInt64().value, 4999);
}

// Either path of the check (pairwise up to 16 members, sorted above) names the earliest repeat,
// whichever name it repeats and however often.
TEST(JsonReader, NamesTheFirstRepeatedMember) {
  for (const int members : {4, 16, 17, 100}) {
    std::string text = "{";
    for (int i = 0; i < members; ++i) text += "\"k" + std::to_string(i) + "\":0,";
    const size_t first_repeat = text.size();
    text += "\"k3\":1,\"k0\":1,\"k3\":2,\"k1\":1}";
    EXPECT_EQ(ParseError(text), "invalid JSON at byte " + std::to_string(first_repeat) +
                                    ": duplicate member name \"k3\"")
        << members;
  }
}

TEST(JsonReader, LimitsNestingWithoutRecursion) {
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  MustParse(ok);
  EXPECT_EQ(ParseError(std::string(65, '[') + std::string(65, ']')),
            "invalid JSON at byte 64: nesting deeper than 64 levels");
  EXPECT_EQ(ParseError(std::string(10, '[') + std::string(10, ']'), Options{9}),
            "invalid JSON at byte 9: nesting deeper than 9 levels");
  // A limit far above any stack: the parser keeps its own stack on the heap.
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const Document doc = MustParse(deep, Options{1000000});
  EXPECT_EQ(doc.root()[0][0].size(), 1u);
  std::string objects;
  for (int i = 0; i < 100; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100, '}');
  EXPECT_EQ(ParseError(objects), "invalid JSON at byte 320: nesting deeper than 64 levels");
}

TEST(JsonReader, ReparsingReplacesTheTreeAndAFailureLeavesItEmpty) {
  Document doc = MustParse(R"({"a": [1, 2]})");
  std::string err;
  ASSERT_TRUE(doc.Parse("[\"x\\n\"]", &err));
  EXPECT_TRUE(doc.root().is_array());
  EXPECT_EQ(doc.root()[0].AsString().value, "x\n");
  EXPECT_FALSE(doc.Parse("[", &err));
  EXPECT_TRUE(doc.root().missing());
  EXPECT_FALSE(doc.Parse("[", nullptr));  // err may be null
  Document empty;
  EXPECT_TRUE(empty.root().missing());
}

TEST(JsonReader, ValuesSurviveMovingTheDocument) {
  Document doc = MustParse(R"({"name": "w\u00e9b", "n": 3})");
  const Value name = doc.root()["name"];
  const std::string_view decoded = name.AsString().value;
  Document moved = std::move(doc);
  EXPECT_EQ(name.AsString().value,
            "w\xC3\xA9"
            "b");
  EXPECT_EQ(decoded,
            "w\xC3\xA9"
            "b");
  EXPECT_EQ(moved.root()["n"].AsInt64().value, 3);
}

TEST(JsonReader, ReadsAScalarDocumentAndWhitespaceAroundIt) {
  EXPECT_EQ(MustParse(" \t\r\n42 \n").root().AsInt64().value, 42);
  EXPECT_EQ(MustParse("\"s\"").root().AsString().value, "s");
  EXPECT_TRUE(MustParse("null").root().is_null());
  EXPECT_EQ(MustParse("-1.5E-2").root().AsDouble().value, -0.015);
}

TEST(JsonReader, ReadsTheHostsProcessList) {
  const std::string list =
      R"({"schema":1,"processes":[{"name":"web","state":"running","scale":2,"instances":[)"
      R"({"id":"web-0","state":"running","pid":101,"started_at":1700000000,"restart_count":0,)"
      R"("last_exit_code":-1,"last_signal":0},{"id":"web-1","state":"backoff","pid":0,)"
      R"("started_at":0,"restart_count":3,"last_exit_code":1,"last_signal":0}]}]})";
  const Document doc = MustParse(list);
  int64_t restarts = 0;
  std::vector<std::string> ids;
  for (const Value p : doc.root()["processes"].items()) {
    EXPECT_EQ(p["name"].AsString().value, "web");
    for (const Value i : p["instances"].items()) {
      ids.emplace_back(i["id"].AsString().value);
      restarts += i["restart_count"].AsInt64().value_or(0);
    }
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"web-0", "web-1"}));
  EXPECT_EQ(restarts, 3);
  EXPECT_EQ(doc.root()["processes"][0]["instances"][1]["last_exit_code"].AsInt64().value, 1);
}

}  // namespace
}  // namespace phpeek::json
