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

// Plain runs are scanned 8 bytes at a time: every byte value, at every place in a long plain run
// (both sides of each 8-byte step), is escaped exactly as when it stands alone.
TEST(JsonWriterTest, EveryByteInsideALongPlainRunIsEscapedAsAlone) {
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123";
  for (int b = 1; b < 256; ++b) {
    const std::string alone = Quote(std::string(1, static_cast<char>(b)));
    const std::string inner = alone.substr(1, alone.size() - 2);
    for (size_t at = 0; at <= plain.size(); ++at) {
      const std::string s = plain.substr(0, at) + static_cast<char>(b) + plain.substr(at);
      EXPECT_EQ(Quote(s), "\"" + plain.substr(0, at) + inner + plain.substr(at) + "\"")
          << "byte " << b << " at " << at;
    }
  }
  EXPECT_EQ(Quote(plain + "\xC3\xA9" + plain), "\"" + plain + "\xC3\xA9" + plain + "\"");
}

}  // namespace
}  // namespace phpeek::json
