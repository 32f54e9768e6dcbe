#include "core/json/json_pointer.h"

#include <gtest/gtest.h>

namespace phpeek::json {
namespace {

const char* kDoc =
    R"({"api_port": 9180, "api_host": "127.0.0.1", "a/b": 1, "m~n": 2, "list": [10, {"x": "y"}],)"
    R"( "esc": "tab\there \u00e9 \ud83d\ude00", "flag": true, "none": null, "obj": {}})";

std::string Value(std::string_view pointer) {
  const Lookup l = FindPointer(kDoc, pointer);
  EXPECT_EQ(l.status, LookupStatus::kFound) << pointer << ": " << l.error;
  return std::string(l.value);
}

TEST(JsonPointer, FindsMembersElementsAndTheWholeDocument) {
  EXPECT_EQ(Value(""), kDoc);
  EXPECT_EQ(Value("/api_port"), "9180");
  EXPECT_EQ(Value("/api_host"), "\"127.0.0.1\"");
  EXPECT_EQ(Value("/list/0"), "10");
  EXPECT_EQ(Value("/list/1"), "{\"x\": \"y\"}");
  EXPECT_EQ(Value("/list/1/x"), "\"y\"");
  EXPECT_EQ(Value("/obj"), "{}");
}

TEST(JsonPointer, UnescapesTildeSequences) {
  EXPECT_EQ(Value("/a~1b"), "1");
  EXPECT_EQ(Value("/m~0n"), "2");
}

TEST(JsonPointer, ReportsWhatIsMissing) {
  Lookup l = FindPointer(kDoc, "/nope");
  EXPECT_EQ(l.status, LookupStatus::kNotFound);
  EXPECT_EQ(l.error, "'/nope' does not exist");
  l = FindPointer(kDoc, "/list/2");
  EXPECT_EQ(l.status, LookupStatus::kNotFound);
  EXPECT_EQ(l.error, "'/list/2' is past the end of the array");
  l = FindPointer(kDoc, "/list/01");
  EXPECT_EQ(l.error, "'/list/01' is not an array index");
  l = FindPointer(kDoc, "/api_port/x");
  EXPECT_EQ(l.status, LookupStatus::kNotFound);
  EXPECT_EQ(l.error, "'/api_port' is not an object or array");
}

TEST(JsonPointer, RejectsMalformedPointersAndDocuments) {
  EXPECT_EQ(FindPointer(kDoc, "api_port").status, LookupStatus::kBadPointer);
  EXPECT_EQ(FindPointer(kDoc, "/a~2").status, LookupStatus::kBadPointer);
  for (const char* bad : {"", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "{\"a\":01}", "\"x", "nul",
                          "{} x", "{\"a\":\"\x01\"}"}) {
    EXPECT_EQ(FindPointer(bad, "").status, LookupStatus::kBadDocument) << bad;
  }
}

TEST(JsonPointer, ScalarTextDecodesStringsAndRefusesContainers) {
  std::string out;
  ASSERT_TRUE(ScalarText(FindPointer(kDoc, "/esc"), &out));
  EXPECT_EQ(out, "tab\there \xC3\xA9 \xF0\x9F\x98\x80");
  ASSERT_TRUE(ScalarText(FindPointer(kDoc, "/api_port"), &out));
  EXPECT_EQ(out, "9180");
  ASSERT_TRUE(ScalarText(FindPointer(kDoc, "/flag"), &out));
  EXPECT_EQ(out, "true");
  ASSERT_TRUE(ScalarText(FindPointer(kDoc, "/none"), &out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(ScalarText(FindPointer(kDoc, "/obj"), &out));
  EXPECT_FALSE(ScalarText(FindPointer(kDoc, "/list"), &out));
}

TEST(JsonPointer, SurvivesDeepNesting) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  EXPECT_EQ(FindPointer(deep, "").status, LookupStatus::kBadDocument);
}

}  // namespace
}  // namespace phpeek::json
