// The stages on their own: level names, JSON levels, redaction without a copy, replacement
// translation.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include "core/config/log_pattern.h"
#include "core/process_logs/json_extractor.h"
#include "core/process_logs/record.h"
#include "core/process_logs/redactor.h"

namespace phpeek::process_logs {
namespace {

TEST(LevelNamesTest, ProducersSpellings) {
  EXPECT_EQ(ParseLevelName("WARNING"), Level::kWarn);
  EXPECT_EQ(ParseLevelName("Warn"), Level::kWarn);
  EXPECT_EQ(ParseLevelName("emergency"), Level::kError);
  EXPECT_EQ(ParseLevelName("CRIT"), Level::kError);
  EXPECT_EQ(ParseLevelName("trace"), Level::kDebug);
  EXPECT_EQ(ParseLevelName("notice"), Level::kInfo);
  EXPECT_EQ(ParseLevelName("verbose"), std::nullopt);
  EXPECT_EQ(ParseLevelName(""), std::nullopt);
  EXPECT_EQ(ParseLevelName("emergencyyy"), std::nullopt);
  EXPECT_STREQ(LevelName(Level::kWarn), "warn");
  EXPECT_STREQ(StreamName(Stream::kStderr), "stderr");
}

TEST(JsonExtractorTest, NumericAndNamedLevels) {
  config::JsonSpec spec;
  spec.enabled = true;
  JsonExtractor json(spec);
  JsonExtraction out;
  const std::pair<const char*, std::optional<Level>> cases[] = {
      {R"({"level":100})", Level::kDebug},
      {R"({"level":250})", Level::kInfo},
      {R"({"level":300})", Level::kWarn},
      {R"({"level":600})", Level::kError},
      {R"({"level":20})", Level::kDebug},
      {R"({"level":40})", Level::kWarn},
      {R"({"level":60})", Level::kError},
      {R"({"level":5})", std::nullopt},
      {R"({"severity":"ERROR"})", Level::kError},
      {R"({"level":"loud","lvl":"warn"})", Level::kWarn},  // the first key that is a level
      {R"({"level":true})", std::nullopt},
  };
  for (const auto& [line, level] : cases) {
    EXPECT_TRUE(json.Extract(line, &out)) << line;
    EXPECT_EQ(out.level, level) << line;
  }
  EXPECT_FALSE(json.Extract("[1,2]", &out));  // not an object
  EXPECT_FALSE(json.Extract("{\"a\":1} trailing", &out));
  EXPECT_TRUE(out.fields.empty());  // detect_auto: no json_error
}

TEST(RedactorTest, NoMatchNoCopyAndRulesInOrder) {
  std::string err;
  std::vector<config::RedactionRule> rules(2);
  rules[0].pattern.re = config::CompileLogRegex("a(b)", true, &err);
  ASSERT_TRUE(config::TranslateReplacement("<$1>", *rules[0].pattern.re, &rules[0].rewrite, &err));
  rules[1].pattern.re = config::CompileLogRegex("<b>", false, &err);
  rules[1].rewrite = "X";
  Redactor redactor(rules);
  std::string scratch;
  const std::string clean = "nothing here";
  EXPECT_EQ(redactor.Apply(clean, &scratch).data(), clean.data());
  EXPECT_EQ(redactor.Apply("ab ab c", &scratch),
            "X X c");  // the second rule sees the first's output
}

TEST(ReplacementTest, GoSyntaxToRe2) {
  std::string err, rewrite;
  const auto re = config::CompileLogRegex("(?P<k>\\w+)=(\\w+)", true, &err);
  ASSERT_TRUE(re) << err;
  auto translate = [&](const std::string& r) {
    err.clear();
    return config::TranslateReplacement(r, *re, &rewrite, &err) ? rewrite : "error: " + err;
  };
  EXPECT_EQ(translate("$k=***"), "\\1=***");
  EXPECT_EQ(translate("${2}x"), "\\2x");
  EXPECT_EQ(translate("$2x"),
            "error: replacement refers to group '2x' that the pattern does not name");
  EXPECT_EQ(translate("$$1 \\1"), "$1 \\\\1");
  EXPECT_EQ(translate("$0"), "\\0");
  EXPECT_EQ(translate("${k"), "error: unterminated '${' in the replacement");
  EXPECT_EQ(translate("trailing $"), "trailing $");
  const auto many = config::CompileLogRegex("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)", true, &err);
  ASSERT_TRUE(config::TranslateReplacement("$9", *many, &rewrite, &err));
  EXPECT_FALSE(config::TranslateReplacement("$10", *many, &rewrite, &err));
  EXPECT_EQ(err, "replacement refers to group 10: at most 9 can be used");
}

}  // namespace
}  // namespace phpeek::process_logs
