#include "core/json/json_writer.h"

#include <gtest/gtest.h>

namespace phpeek::json {
namespace {

TEST(JsonWriterTest, NestedContainersGetCommas) {
  Writer w;
  w.BeginObject().Key("a").Int(1).Key("b").BeginArray().String("x").Bool(true).Null().EndArray();
  w.Key("c").BeginObject().EndObject().EndObject();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,null],"c":{}})");
}

TEST(JsonWriterTest, RawValuesAreInsertedVerbatim) {
  Writer w;
  w.BeginArray().Raw(R"({"k":2})").Int(-3).EndArray();
  EXPECT_EQ(w.str(), R"([{"k":2},-3])");
}

TEST(JsonWriterTest, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(Quote("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
}

TEST(JsonWriterTest, KeepsValidUtf8) {
  EXPECT_EQ(Quote("caf\xC3\xA9 \xE2\x82\xAC"), "\"caf\xC3\xA9 \xE2\x82\xAC\"");
}

TEST(JsonWriterTest, ReplacesInvalidUtf8) {
  // A lone continuation byte, a truncated sequence, an overlong form and a surrogate.
  EXPECT_EQ(Quote("\x80"), "\"\xEF\xBF\xBD\"");
  EXPECT_EQ(Quote("a\xC3"), "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(Quote("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(Quote("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace phpeek::json
