// `processes.<name>.logging` and the global log_buffer_* keys, loaded from real YAML files: every
// key's value, the defaults, and each bad input reported with its position.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include "core/config/logging_spec.h"
#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class LoggingConfigTest : public ConfigTest {
 protected:
  // The `logging:` block of process "web", `body` indented by 6 spaces.
  std::shared_ptr<const LoggingSpec> Good(const std::string& body) {
    const ProcessSpec p = LoadProcess("    command: /bin/true\n    logging:\n" + body);
    EXPECT_NE(p.logging, nullptr);
    return p.logging ? p.logging : std::make_shared<LoggingSpec>();
  }
  LoadResult LoadLogging(const std::string& body) {
    return Load("processes:\n  web:\n    command: /bin/true\n    logging:\n" + body);
  }
  // Expects one error at `key_path`; returns "line:column: message".
  std::string Bad(const std::string& body, const std::string& key_path) {
    const Diagnostic d = ExpectOneError(LoadLogging(body), key_path);
    return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " + d.message;
  }
};

TEST_F(LoggingConfigTest, EveryKey) {
  const auto s = Good(
      "      stdout: true\n"
      "      stderr: false\n"
      "      labels: {service: php-fpm, tier: backend}\n"
      "      min_level: warning\n"
      "      redaction:\n"
      "        patterns:\n"
      "          - name: password\n"
      "            pattern: '(password=)\\S+'\n"
      "            replacement: '$${1}***'\n"
      "          - {name: card, pattern: '\\d{16}'}\n"
      "      multiline: {pattern: '^\\[', max_lines: 50, timeout: 500ms}\n"
      "      json: {detect_auto: false, extract_level: true, extract_message: false,\n"
      "             merge_fields: false}\n"
      "      level_detection:\n"
      "        patterns: {warn: 'WARN', error: ['FATAL', 'PANIC']}\n"
      "        default_level: debug\n"
      "      filters: {include: ['app'], exclude: ['health', 'ping']}\n");
  EXPECT_EQ(s->labels, (std::vector<std::pair<std::string, std::string>>{{"service", "php-fpm"},
                                                                         {"tier", "backend"}}));
  EXPECT_EQ(s->min_level, LogLevel::kWarn);
  EXPECT_TRUE(s->redaction_enabled);
  ASSERT_EQ(s->redaction.size(), 2u);
  EXPECT_EQ(s->redaction[0].name, "password");
  EXPECT_EQ(s->redaction[0].pattern.text, "(password=)\\S+");
  EXPECT_EQ(s->redaction[0].rewrite, "\\1***");
  EXPECT_EQ(s->redaction[1].replacement, "***");
  ASSERT_TRUE(s->redaction[1].pattern.re);
  EXPECT_TRUE(s->multiline.enabled);
  EXPECT_EQ(s->multiline.max_lines, 50);
  EXPECT_EQ(s->multiline.timeout, std::chrono::milliseconds(500));
  ASSERT_TRUE(s->multiline.start.re);
  EXPECT_TRUE(RE2::PartialMatch("[2024] x", *s->multiline.start.re));
  EXPECT_TRUE(s->json.enabled);
  EXPECT_FALSE(s->json.detect_auto);
  EXPECT_TRUE(s->json.extract_level);
  EXPECT_FALSE(s->json.extract_message);
  EXPECT_FALSE(s->json.merge_fields);
  EXPECT_TRUE(s->level_detection.enabled);
  EXPECT_EQ(s->level_detection.default_level, LogLevel::kDebug);
  ASSERT_EQ(s->level_detection.patterns.size(), 2u);  // most severe first, whatever the file order
  EXPECT_EQ(s->level_detection.patterns[0].level, LogLevel::kError);
  EXPECT_EQ(s->level_detection.patterns[0].patterns.size(), 2u);
  EXPECT_EQ(s->level_detection.patterns[1].level, LogLevel::kWarn);
  EXPECT_EQ(s->include.size(), 1u);
  EXPECT_EQ(s->exclude.size(), 2u);
  EXPECT_EQ(s->exclude[1].pos.line, 21);
}

TEST_F(LoggingConfigTest, DefaultsWithoutBlockAndWithEmptyBlocks) {
  EXPECT_EQ(LoadProcess("    command: /bin/true\n").logging, nullptr);
  const auto s = Good("      labels: {a: b}\n");
  EXPECT_FALSE(s->min_level);
  EXPECT_FALSE(s->redaction_enabled);
  EXPECT_FALSE(s->multiline.enabled);
  EXPECT_FALSE(s->json.enabled);
  EXPECT_TRUE(s->level_detection.enabled);
  EXPECT_EQ(s->level_detection.default_level, LogLevel::kInfo);
  // A sub-block that is present is on, with the documented defaults.
  const auto j = Good("      json: {}\n      redaction: {patterns: []}\n");
  EXPECT_TRUE(j->json.enabled);
  EXPECT_TRUE(j->json.detect_auto);
  EXPECT_TRUE(j->json.extract_level && j->json.extract_message && j->json.merge_fields);
  EXPECT_TRUE(j->redaction_enabled);
  const auto m = Good("      multiline: {pattern: '^\\S'}\n");
  EXPECT_EQ(m->multiline.max_lines, 100);
  EXPECT_EQ(m->multiline.timeout, std::chrono::milliseconds(1000));
}

TEST_F(LoggingConfigTest, EnabledFalseTurnsABlockOff) {
  const auto s = Good(
      "      multiline: {enabled: false}\n"  // no pattern needed when off
      "      json: {enabled: false}\n"
      "      redaction: {enabled: false, patterns: [{pattern: x}]}\n"
      "      level_detection: {enabled: false}\n");
  EXPECT_FALSE(s->multiline.enabled);
  EXPECT_FALSE(s->json.enabled);
  EXPECT_FALSE(s->redaction_enabled);
  EXPECT_FALSE(s->level_detection.enabled);
}

TEST_F(LoggingConfigTest, PatternsRe2RefusesAreErrorsAtTheirPosition) {
  EXPECT_EQ(Bad("      filters: {exclude: ['ok', '(unclosed']}\n",
                "processes.web.logging.filters.exclude[1]"),
            "5:33: invalid regular expression '(unclosed': missing ): (unclosed");
  EXPECT_EQ(Bad("      filters:\n        include:\n          - '(?<=x)y'\n",
                "processes.web.logging.filters.include[0]"),
            "7:13: invalid regular expression '(?<=x)y': invalid perl operator: (?<");
  EXPECT_EQ(Bad("      multiline: {pattern: '[z-a]'}\n", "processes.web.logging.multiline.pattern"),
            "5:28: invalid regular expression '[z-a]': invalid character class range: z-a");
  EXPECT_EQ(Bad("      level_detection: {patterns: {error: '*x'}}\n",
                "processes.web.logging.level_detection.patterns.error"),
            "5:43: invalid regular expression '*x': no argument for repetition operator: *");
  EXPECT_EQ(Bad("      redaction: {patterns: [{pattern: '(a\\1)'}]}\n",
                "processes.web.logging.redaction.patterns[0].pattern"),
            "5:40: invalid regular expression '(a\\1)': invalid escape sequence: \\1");
  EXPECT_EQ(Bad("      filters: {include: ['']}\n", "processes.web.logging.filters.include[0]"),
            "5:27: the pattern must not be empty");
}

TEST_F(LoggingConfigTest, ReplacementGroupsAreChecked) {
  EXPECT_EQ(Bad("      redaction: {patterns: [{pattern: '(a)', replacement: '$2'}]}\n",
                "processes.web.logging.redaction.patterns[0].replacement"),
            "5:60: replacement refers to group 2 but the pattern has 1 group(s)");
  EXPECT_EQ(Bad("      redaction: {patterns: [{pattern: '(?P<user>a)', replacement: '$${usr}'}]}\n",
                "processes.web.logging.redaction.patterns[0].replacement"),
            "5:68: replacement refers to group 'usr' that the pattern does not name");
  const auto s = Good(
      "      redaction:\n"
      "        patterns:\n"
      "          - {pattern: '(?P<user>\\w+)@(\\w+)', replacement: '$${user}@$2 \\ $$ $ x$'}\n");
  ASSERT_EQ(s->redaction.size(), 1u);
  EXPECT_EQ(s->redaction[0].replacement, "${user}@$2 \\ $ $ x$");
  EXPECT_EQ(s->redaction[0].rewrite, "\\1@\\2 \\\\ $ $ x$");
}

// GlobalReplace with a pattern that matches nothing at all would put the replacement between
// every two characters of every line: refused at load instead.
TEST_F(LoggingConfigTest, RedactionPatternThatMatchesAnEmptyTextIsAnError) {
  EXPECT_EQ(Bad("      redaction: {patterns: [{pattern: 'x', name: a}, {pattern: '\\d*'}]}\n",
                "processes.web.logging.redaction.patterns[1].pattern"),
            "5:65: the pattern '\\d*' matches an empty text: the replacement would be inserted "
            "between every two characters");
  EXPECT_EQ(Bad("      redaction: {patterns: [{pattern: '^'}]}\n",
                "processes.web.logging.redaction.patterns[0].pattern"),
            "5:40: the pattern '^' matches an empty text: the replacement would be inserted "
            "between every two characters");
  // Patterns that need at least one character are fine, anchored or not.
  EXPECT_EQ(Good("      redaction: {patterns: [{pattern: '^\\d+'}, {pattern: 'a?b'}]}\n")
                ->redaction.size(),
            2u);
}

TEST_F(LoggingConfigTest, RuleWithoutPatternAndMultilineWithoutPattern) {
  EXPECT_EQ(Bad("      redaction: {patterns: [{name: x}]}\n",
                "processes.web.logging.redaction.patterns[0]"),
            "5:30: a redaction rule needs a 'pattern'");
  EXPECT_EQ(Bad("      multiline: {max_lines: 5}\n", "processes.web.logging.multiline"),
            "5:18: multiline needs a 'pattern' (what the first line of an entry matches)");
  EXPECT_EQ(Bad("      multiline: {pattern: x, max_lines: 0}\n",
                "processes.web.logging.multiline.max_lines"),
            "5:42: must be between 1 and 10000, got 0");
  EXPECT_EQ(
      Bad("      multiline: {pattern: x, timeout: 0}\n", "processes.web.logging.multiline.timeout"),
      "5:40: must be above 0 and at most 1h");
}

// The original compared level names without regard to case: files with `min_level: ERROR` load.
TEST_F(LoggingConfigTest, LevelNamesInAnyCase) {
  const auto s = Good(
      "      min_level: ERROR\n"
      "      level_detection: {patterns: {Warning: x}, default_level: Debug}\n");
  EXPECT_EQ(s->min_level, LogLevel::kError);
  ASSERT_EQ(s->level_detection.patterns.size(), 1u);
  EXPECT_EQ(s->level_detection.patterns[0].level, LogLevel::kWarn);
  EXPECT_EQ(s->level_detection.default_level, LogLevel::kDebug);
  EXPECT_EQ(Bad("      min_level: [warn]\n", "processes.web.logging.min_level"),
            "5:18: expected one of the allowed values, got a list");
  EXPECT_EQ(Bad("      min_level: ${NOPE}\n", "processes.web.logging.min_level"),
            "5:18: environment variable NOPE is not set");
}

TEST_F(LoggingConfigTest, LevelsAndLabels) {
  EXPECT_EQ(Bad("      min_level: verbose\n", "processes.web.logging.min_level"),
            "5:18: 'verbose' is not one of: debug, info, warn, warning, error");
  EXPECT_EQ(Bad("      level_detection: {patterns: {fatal: x}}\n",
                "processes.web.logging.level_detection.patterns.fatal"),
            "5:36: 'fatal' is not one of: debug, info, warn, warning, error");
  EXPECT_EQ(Bad("      level_detection: {patterns: {warn: x, warning: y}}\n",
                "processes.web.logging.level_detection.patterns.warning"),
            "5:45: patterns for level 'warning' are given twice");
  EXPECT_EQ(Bad("      labels: {'bad label': x}\n", "processes.web.logging.labels.bad label"),
            "5:16: 'bad label' is not a valid label name");
  EXPECT_EQ(Bad("      labels: [a, b]\n", "processes.web.logging.labels"),
            "5:15: expected a map of keys, got a list");
  EXPECT_EQ(Bad("      json: {enabled: maybe}\n", "processes.web.logging.json.enabled"),
            "5:23: expected true or false, got 'maybe'");
}

TEST_F(LoggingConfigTest, UnknownKeysWarnWithSuggestion) {
  const LoadResult r =
      LoadLogging("      multiline: {pattern: x, max_line: 3}\n      lables: {}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const Diagnostic* d = FindDiag(r.diagnostics, "processes.web.logging.multiline.max_line");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->hint, "did you mean 'max_lines'?");
  d = FindDiag(r.diagnostics, "processes.web.logging.lables");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->hint, "did you mean 'labels'?");
}

TEST_F(LoggingConfigTest, StreamsMeanTheProcessLevelKeys) {
  const ProcessSpec p =
      LoadProcess("    command: /bin/true\n    logging: {stdout: false}\n    stderr: false\n");
  EXPECT_FALSE(p.forward_stdout);
  EXPECT_FALSE(p.forward_stderr);
  EXPECT_TRUE(p.deferred_keys.empty());
  // The same value in both places is fine; contradicting values are an error at the logging key.
  LoadProcess("    command: /bin/true\n    stdout: false\n    logging: {stdout: false}\n");
  const LoadResult r = Load(
      "processes:\n  web:\n    command: /bin/true\n    stderr: false\n"
      "    logging:\n      stderr: true\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.logging.stderr");
  EXPECT_EQ(d.pos.line, 6);
  EXPECT_EQ(d.message, "logging.stderr: true contradicts stderr: false (line 4)");
}

TEST_F(LoggingConfigTest, OriginalsLabelsAreRead) {
  const LoadResult r =
      LoadConfigFile(std::string(PHPEEK_COMPAT_DIR) + "/laravel-full.yaml", {}, LoadOptions{false});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const ProcessSpec* queue = r.config->FindProcess("queue-default");
  ASSERT_NE(queue, nullptr);
  ASSERT_TRUE(queue->logging);
  EXPECT_EQ(queue->logging->labels,
            (std::vector<std::pair<std::string, std::string>>{
                {"service", "queue-worker"}, {"queue", "default"}, {"tier", "workers"}}));
  for (const auto& d : r.diagnostics) EXPECT_EQ(d.key_path.find(".logging"), std::string::npos);
}

class LogBufferKeysTest : public ConfigTest {};

TEST_F(LogBufferKeysTest, DefaultsValuesAndJson) {
  LoadResult r = Load("processes:\n  web: {command: /bin/true}\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->global.log_buffer_lines, 1000);
  EXPECT_EQ(r.config->global.log_buffer_bytes, 256 * 1024);
  EXPECT_EQ(r.config->global.log_buffer_total_bytes, 64 * 1024 * 1024);
  r = Load(
      "global:\n  log_buffer_lines: 0\n  log_buffer_bytes: 1MiB\n  log_buffer_total_bytes: 2048\n"
      "processes:\n  web: {command: /bin/true}\n",
      {{"PHPEEK_PM_GLOBAL_LOG_BUFFER_LINES", "50"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->global.log_buffer_lines, 50);  // the environment wins
  EXPECT_EQ(r.config->global.log_buffer_bytes, 1024 * 1024);
  EXPECT_EQ(r.config->global.log_buffer_total_bytes, 2048);
  EXPECT_TRUE(r.config->global.deferred_keys.empty());  // acted on: the process-log history
  EXPECT_NE(r.config->global_json.find("\"log_buffer_bytes\":1048576"), std::string::npos)
      << r.config->global_json;
}

TEST_F(LogBufferKeysTest, BadValues) {
  auto bad = [this](const std::string& line, const std::string& key) {
    const Diagnostic d =
        ExpectOneError(Load("global:\n  " + line + "\nprocesses:\n  web: {command: /bin/true}\n"),
                       "global." + key);
    EXPECT_EQ(d.pos.line, 2);
    return d.message;
  };
  EXPECT_EQ(bad("log_buffer_lines: -1", "log_buffer_lines"),
            "must be between 0 and 1000000, got -1");
  EXPECT_EQ(bad("log_buffer_bytes: 2KB2", "log_buffer_bytes"),
            "invalid size '2KB2': unknown size unit 'KB2' (use bytes, KiB or MiB)");
  EXPECT_EQ(bad("log_buffer_total_bytes: 99999MiB", "log_buffer_total_bytes"),
            "invalid size '99999MiB': at most 16384MiB");
  EXPECT_EQ(bad("log_buffer_bytes: -5", "log_buffer_bytes"),
            "invalid size '-5': negative sizes are not allowed");
}

}  // namespace
}  // namespace phpeek::config
