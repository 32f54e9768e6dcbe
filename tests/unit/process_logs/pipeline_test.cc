// The whole per-stream pipeline, from `logging:` blocks in real YAML: each key changes what comes
// out as lifecycle.md says, in the spec's stage order.
#include "core/process_logs/pipeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <type_traits>

#include "tests/unit/process_logs/pipeline_test_util.h"

namespace phpeek::process_logs {
namespace {

using std::chrono::milliseconds;

LineTime At(int ms) {
  return {MonoTime{} + milliseconds(ms), WallTime{} + std::chrono::hours(24) + milliseconds(ms)};
}

// The multiline grouper's callback points at its pipeline: a moved pipeline would leave it
// pointing at the moved-from object.
static_assert(!std::is_move_constructible_v<StreamPipeline>);
static_assert(!std::is_move_assignable_v<StreamPipeline>);

class PipelineTest : public ::testing::Test {
 protected:
  // A pipeline for stdout with the block `body` ("" = no `logging:` block).
  StreamPipeline Make(const std::string& body, Stream stream = Stream::kStdout) {
    auto spec = body.empty() ? nullptr : LoadLogging(body);
    return StreamPipeline(PipelineConfig::Make(spec), stream, out_.sink());
  }
  std::vector<Emitted>& out() { return out_.entries; }

  Collector out_;
};

TEST_F(PipelineTest, DefaultPassesLinesThroughWithBuiltinLevels) {
  StreamPipeline p = Make("", Stream::kStderr);
  const std::string line = "[14-Mar-2024 10:00:00] ERROR: unable to bind listening socket";
  p.Push(line, At(5));
  p.Push("plain output", At(6));
  ASSERT_EQ(out().size(), 2u);
  EXPECT_EQ(out()[0].level, Level::kError);  // php-fpm's ERROR: no longer arrives at info
  EXPECT_EQ(out()[0].message, line);
  EXPECT_EQ(out()[0].message_data, line.data());  // a view of the line: no copy
  EXPECT_EQ(out()[0].stream, Stream::kStderr);
  EXPECT_EQ(out()[0].time, At(5).wall);
  EXPECT_TRUE(out()[0].fields.empty());
  EXPECT_EQ(out()[1].level, Level::kInfo);
  EXPECT_FALSE(p.deadline());
}

TEST_F(PipelineTest, LabelsAreAddedToEveryLine) {
  StreamPipeline p = Make("      labels: {service: php-fpm, tier: backend}\n");
  p.Push("one", At(0));
  p.Push("two", At(1));
  ASSERT_EQ(out().size(), 2u);
  EXPECT_EQ(FieldsText(out()[0].fields), "service=php-fpm tier=backend");
  EXPECT_EQ(FieldsText(out()[1].fields), "service=php-fpm tier=backend");
}

TEST_F(PipelineTest, RedactionReplacesEveryMatchBeforeAnyOtherStage) {
  StreamPipeline p = Make(
      "      redaction:\n"
      "        patterns:\n"
      "          - {name: password, pattern: '(password=)\\S+', replacement: '$${1}***'}\n"
      "          - {name: card, pattern: '\\b\\d{4}(?:-?\\d{4}){3}\\b', replacement: '[card]'}\n"
      "          - {name: token, pattern: 'tok_\\w+'}\n"
      "      json: {}\n"
      "      filters: {exclude: ['hunter2']}\n");
  p.Push("login password=hunter2 card 4111-1111-1111-1111 and 4111111111111111", At(0));
  p.Push("{\"message\":\"auth tok_abc password=hunter2 now\",\"token\":\"tok_xyz\"}", At(1));
  const std::string clean = "nothing to hide";
  p.Push(clean, At(2));
  ASSERT_EQ(out().size(), 3u);  // the exclude filter never sees the secret
  EXPECT_EQ(out()[0].message, "login password=*** card [card] and [card]");
  EXPECT_EQ(out()[1].message, "auth *** password=*** now");
  EXPECT_EQ(FieldsText(out()[1].fields), "token=***");
  EXPECT_EQ(out()[2].message_data, clean.data());  // no rule matched: no copy
}

TEST_F(PipelineTest, RedactionOffWithEnabledFalse) {
  StreamPipeline p = Make("      redaction: {enabled: false, patterns: [{pattern: secret}]}\n");
  p.Push("a secret", At(0));
  ASSERT_EQ(out().size(), 1u);
  EXPECT_EQ(out()[0].message, "a secret");
}

TEST_F(PipelineTest, JsonExtraction) {
  StreamPipeline p = Make(
      "      labels: {service: api}\n"
      "      json: {}\n");
  p.Push(
      "{\"level\":\"warning\",\"message\":\"slow query\",\"ms\":1200,\"ctx\":{\"a\":[1,2]},"
      "\"service\":\"spoofed\",\"user\":\"bob\"}",
      At(0));
  p.Push("  {\"msg\":\"pino style\",\"level\":50}", At(1));
  p.Push("{\"level\":400,\"level_name\":\"ERROR\",\"message\":\"monolog\"}", At(2));
  p.Push("{not json at all", At(3));
  p.Push("2024/03/14 10:00:00 [warn] 7#7: plain nginx line", At(4));
  ASSERT_EQ(out().size(), 5u);
  EXPECT_EQ(out()[0].level, Level::kWarn);
  EXPECT_EQ(out()[0].message, "slow query");
  // Members in document order (numbers and objects as JSON), then labels; the line's own
  // `service` gave way to the label.
  EXPECT_EQ(FieldsText(out()[0].fields),
            "ms=json:1200 ctx=json:{\"a\":[1,2]} user=bob service=api");
  EXPECT_EQ(out()[1].level, Level::kError);
  EXPECT_EQ(out()[1].message, "pino style");
  EXPECT_EQ(out()[2].level, Level::kError);
  EXPECT_EQ(FieldsText(out()[2].fields), "level_name=ERROR service=api");
  EXPECT_EQ(out()[3].message, "{not json at all");  // detect_auto: plain text, no error field
  EXPECT_EQ(FieldsText(out()[3].fields), "service=api");
  EXPECT_EQ(out()[4].level, Level::kWarn);  // not JSON: level detection still runs
}

TEST_F(PipelineTest, JsonSubKeysChangeWhatComesOut) {
  StreamPipeline p = Make(
      "      json: {detect_auto: false, extract_level: false, extract_message: false,\n"
      "             merge_fields: false}\n");
  const std::string line = "{\"level\":\"error\",\"message\":\"m\",\"x\":1}";
  p.Push(line, At(0));
  p.Push("plain", At(1));
  ASSERT_EQ(out().size(), 2u);
  EXPECT_EQ(out()[0].message, line);        // extract_message: false
  EXPECT_EQ(out()[0].level, Level::kInfo);  // extract_level: false, and no built-in format
  EXPECT_TRUE(out()[0].fields.empty());     // merge_fields: false
  ASSERT_EQ(out()[1].fields.size(), 1u);    // detect_auto: false: every line should be JSON
  EXPECT_EQ(out()[1].fields[0].key, "json_error");
  EXPECT_FALSE(out()[1].fields[0].value.empty());
}

TEST_F(PipelineTest, LevelDetectionPatternsBuiltinsAndDefault) {
  StreamPipeline p = Make(
      "      level_detection:\n"
      "        patterns: {info: 'FATAL-ish', error: ['FATAL', 'PANIC'], debug: '^trace'}\n"
      "        default_level: warn\n");
  p.Push("FATAL-ish: error patterns are tried first", At(0));
  p.Push("trace: x", At(1));
  p.Push("2024/03/14 10:00:00 [crit] 7#7: built-ins still apply", At(2));
  p.Push("nothing matches", At(3));
  ASSERT_EQ(out().size(), 4u);
  EXPECT_EQ(out()[0].level, Level::kError);
  EXPECT_EQ(out()[1].level, Level::kDebug);
  EXPECT_EQ(out()[2].level, Level::kError);
  EXPECT_EQ(out()[3].level, Level::kWarn);
}

TEST_F(PipelineTest, LevelDetectionOff) {
  StreamPipeline p = Make("      level_detection: {enabled: false, default_level: debug}\n");
  p.Push("[14-Mar-2024 10:00:00] ERROR: x", At(0));
  ASSERT_EQ(out().size(), 1u);
  EXPECT_EQ(out()[0].level, Level::kDebug);
}

TEST_F(PipelineTest, MinLevelAndFilters) {
  StreamPipeline p = Make(
      "      min_level: warn\n"
      "      filters:\n"
      "        include: ['app', 'queue']\n"
      "        exclude: ['health']\n");
  p.Push("[d] app.WARNING: kept", At(0));
  p.Push("[d] app.INFO: below min_level", At(1));
  p.Push("[d] app.ERROR: GET /health failed", At(2));  // exclude wins over include
  p.Push("[d] web.ERROR: matches no include", At(3));
  p.Push("[d] queue.ERROR: kept too", At(4));
  ASSERT_EQ(out().size(), 2u);
  EXPECT_EQ(out()[0].message, "[d] app.WARNING: kept");
  EXPECT_EQ(out()[1].message, "[d] queue.ERROR: kept too");
  EXPECT_EQ(p.filtered(), 3u);
}

TEST_F(PipelineTest, FiltersSeeTheJsonText) {
  StreamPipeline p = Make("      json: {}\n      filters: {exclude: ['\"path\":\"/health\"']}\n");
  p.Push("{\"message\":\"request\",\"path\":\"/health\"}", At(0));
  p.Push("{\"message\":\"request\",\"path\":\"/orders\"}", At(1));
  ASSERT_EQ(out().size(), 1u);
  EXPECT_EQ(FieldsText(out()[0].fields), "path=/orders");
}

TEST_F(PipelineTest, MultilineEntryGoesThroughTheRestAsOne) {
  StreamPipeline p = Make(
      "      multiline: {pattern: '^\\[', timeout: 2s}\n"
      "      redaction: {patterns: [{pattern: 'secret'}]}\n");
  p.Push("[14-Mar-2024 10:00:00] WARNING: [pool www] child 7 said: secret", At(0));
  p.Push("#0 /app/index.php(12): secret()", At(10));
  EXPECT_TRUE(out().empty());
  ASSERT_TRUE(p.deadline());
  EXPECT_EQ(*p.deadline(), At(2000).mono);
  p.OnTimer(At(2000).mono);
  ASSERT_EQ(out().size(), 1u);
  EXPECT_EQ(out()[0].message,
            "[14-Mar-2024 10:00:00] WARNING: [pool www] child 7 said: ***\n#0 /app/index.php(12): "
            "***()");
  EXPECT_EQ(out()[0].level, Level::kWarn);
  EXPECT_EQ(out()[0].time, At(0).wall);
  EXPECT_FALSE(p.deadline());
  p.Push("[x] last", At(3000));
  p.Flush();  // the stream closed: nothing waits for the timer
  EXPECT_EQ(out().size(), 2u);
}

TEST_F(PipelineTest, InstancesShareOneConfig) {
  const auto config = PipelineConfig::Make(LoadLogging("      labels: {a: b}\n"));
  Collector a, b;
  StreamPipeline out_a(config, Stream::kStdout, a.sink());
  StreamPipeline err_b(config, Stream::kStderr, b.sink());
  out_a.Push("x", At(0));
  err_b.Push("y", At(0));
  ASSERT_EQ(a.entries.size(), 1u);
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].stream, Stream::kStderr);
  EXPECT_EQ(config->labels().use_count(), 1);  // the config's only: entries lend it
}

// Linear-time matching: a pattern that makes a backtracking engine take exponential time costs
// milliseconds on a 100 KB line in every stage that runs patterns. The bound is generous (a
// second for all of it) but far below what exponential behaviour takes.
TEST_F(PipelineTest, PathologicalPatternOnALongLineIsFast) {
  StreamPipeline p = Make(
      "      multiline: {pattern: '(a+)+$'}\n"
      "      redaction: {patterns: [{pattern: '(a+)+$', replacement: 'x'}]}\n"
      "      level_detection: {patterns: {error: '(a|aa)+$'}}\n"
      "      filters: {exclude: ['(a*)*b$'], include: ['(x+x+)+y']}\n");
  const std::string line = std::string(100 * 1000, 'a') + "!";
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) p.Push(line, At(i));
  p.Flush();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(1));
  EXPECT_EQ(p.filtered(), 4u);  // each 100 KB line is an entry (64 KiB bound), none included
}

}  // namespace
}  // namespace phpeek::process_logs
