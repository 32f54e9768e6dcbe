// The text and JSON renderings of one line: nothing a child prints can pass for a line, a field or
// a terminal command.
#include "core/log/line_format.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace phpeek::log {
namespace {

// A string literal with its NUL bytes.
template <size_t N>
std::string Bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

TEST(LineFormatTest, PlainMessagesAndValuesStayReadable) {
  EXPECT_EQ(RenderText("restarting process", {{"process", "web"}, {"pid", 42}}),
            "restarting process process=web pid=42");
  // Backslashes are common in PHP class names; an unquoted message is never unescaped.
  EXPECT_EQ(RenderText("job App\\Jobs\\Mail done: 100%", {}), "job App\\Jobs\\Mail done: 100%");
  EXPECT_EQ(RenderText("caf\xC3\xA9 \xE2\x9C\x93", {}), "caf\xC3\xA9 \xE2\x9C\x93");
}

// Long plain runs are checked 8 bytes a step: a byte that forces quoting is found at every
// position of a word and in the tail after the last whole word.
TEST(LineFormatTest, EveryPositionOfALongLineIsChecked) {
  const std::string plain(27, 'a');
  for (size_t at = 0; at < plain.size(); ++at) {
    for (const char c : {'=', '\x01', '\x7f'}) {
      std::string msg = plain;
      msg[at] = c;
      EXPECT_EQ(RenderText(msg, {}).front(), '"') << at << " " << int(c);
    }
    std::string value = plain;
    value[at] = ' ';
    EXPECT_EQ(RenderText("m", {{"k", value}}), "m k=\"" + value + "\"") << at;
    std::string c1 = plain;
    c1.replace(at, 2, "\xC2\x85");  // NEL, a C1 control
    EXPECT_EQ(RenderText(c1, {}).front(), '"') << at;
  }
  EXPECT_EQ(RenderText(plain, {{"k", plain}}), plain + " k=" + plain);
}

TEST(LineFormatTest, ControlBytesInTheMessageAreEscaped) {
  const std::string forged = Bytes("a\rb\x1b[31mc\0d\te\x7f");
  EXPECT_EQ(RenderText(forged, {{"stream", "stdout"}}),
            "\"a\\rb\\u001b[31mc\\u0000d\\te\\u007f\" stream=stdout");
  EXPECT_EQ(RenderText("line\nnext", {}), "\"line\\nnext\"");
  // C1 controls (U+009B is CSI to some terminals) and invalid UTF-8.
  EXPECT_EQ(RenderText("x\xC2\x9B"
                       "31my",
                       {}),
            "\"x\\u009b31my\"");
  EXPECT_EQ(RenderText("bad \xFF", {}), "\"bad \xEF\xBF\xBD\"");
}

TEST(LineFormatTest, AMessageCannotPassForFields) {
  // Fake pairs: quoted, so the first bare word with '=' is always a real field.
  EXPECT_EQ(RenderText("hello process=nginx", {{"process", "web"}}),
            "\"hello process=nginx\" process=web");
  // Spaces at the ends would blur the boundary; a leading quote would look like a quoted message.
  EXPECT_EQ(RenderText(" padded ", {}), "\" padded \"");
  EXPECT_EQ(RenderText("x ", {{"k", "v"}}), "\"x \" k=v");
  EXPECT_EQ(RenderText("\"quoted\" start", {}), "\"\\\"quoted\\\" start\"");
  EXPECT_EQ(RenderText("", {{"stream", "stderr"}}), "\"\" stream=stderr");
  // Quotes inside a message are harmless there.
  EXPECT_EQ(RenderText("say \"hi\"", {}), "say \"hi\"");
}

TEST(LineFormatTest, ValuesAndKeysAreQuotedOrCleaned) {
  EXPECT_EQ(RenderText("m", {{"error", "No such file"}}), "m error=\"No such file\"");
  EXPECT_EQ(RenderText("m", {{"v", "a=b"}}), "m v=\"a=b\"");
  EXPECT_EQ(RenderText("m", {{"v", ""}}), "m v=\"\"");
  EXPECT_EQ(RenderText("m", {{"v", Bytes("\x1b]0;t\x07")}}), "m v=\"\\u001b]0;t\\u0007\"");
  EXPECT_EQ(RenderText("m", {{"v", "C:\\x"}}), "m v=\"C:\\\\x\"");
  EXPECT_EQ(RenderText("m", {{"bad key=\x1b", "v"}}), "m bad_key__=v");
}

TEST(LineFormatTest, JsonEscapesControlsIncludingC1) {
  const std::string line = RenderJson("2026-01-02T03:04:05.678Z", Level::kWarn,
                                      Bytes("a\x1b\0\xC2\x9B"), {{"pid", 7}, {"process", "web"}});
  EXPECT_EQ(line,
            "{\"time\":\"2026-01-02T03:04:05.678Z\",\"level\":\"warn\","
            "\"msg\":\"a\\u001b\\u0000\\u009b\",\"pid\":7,\"process\":\"web\"}");
  Poco::JSON::Parser parser;
  const auto obj = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(obj->getValue<std::string>("msg"), Bytes("a\x1b\0\xC2\x9B"));
}

// A member of a child's JSON line stays JSON in JSON output, and is a quoted value in text.
TEST(LineFormatTest, RawJsonFieldIsAValueInJsonAndTextInText) {
  const std::vector<Field> fields = {Field::Json("ctx", R"({"n":7})"), {"team", "shop"}};
  EXPECT_EQ(RenderJson("t", Level::kInfo, "m", fields),
            R"({"time":"t","level":"info","msg":"m","ctx":{"n":7},"team":"shop"})");
  EXPECT_EQ(RenderText("m", fields), R"(m ctx="{\"n\":7}" team=shop)");
}

}  // namespace
}  // namespace phpeek::log
