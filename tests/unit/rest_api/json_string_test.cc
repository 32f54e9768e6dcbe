#include "plugins/common/http/json_string.h"

#include <gtest/gtest.h>

#include "phpeek/json.hpp"

namespace phpeek::rest {
namespace {

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  http::AppendJsonString(&out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, R"("a\"b\\c\n\u0001")");
}

TEST(JsonString, EveryByteBelow0x80ReadsBackUnchanged) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all += "\xC3\xA9\xF0\x9F\x98\x80";  // UTF-8 passes through
  std::string quoted;
  http::AppendJsonString(&quoted, all);
  json::Document doc;
  std::string err;
  ASSERT_TRUE(doc.Parse(quoted, &err)) << err;
  EXPECT_EQ(doc.root().AsString().value, all);
}

}  // namespace
}  // namespace phpeek::rest
