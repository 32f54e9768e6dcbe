// `phpeek-pm check-config` on files with `logging:` blocks and the global log_buffer_* keys: a
// pattern RE2 refuses, a bad replacement group or a bad size is reported as
// file:line:column: error: key: message, every one in the same run, and a file that uses every
// key is valid.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

RunResult CheckConfig(const std::string& path) {
  return RunCommand({PHPEEK_BINARY, "check-config", "-c", path});
}

TEST(CheckConfigLoggingTest, EveryLoggingKeyLoads) {
  TempDir dir;
  const std::string path = dir.Write(
      "good.yaml",
      "global:\n"
      "  log_buffer_lines: 500\n"
      "  log_buffer_bytes: 128KiB\n"
      "  log_buffer_total_bytes: 32MiB\n"
      "processes:\n"
      "  php-fpm:\n"
      "    command: [\"/bin/sleep\", \"60\"]\n"
      "    logging:\n"
      "      stdout: true\n"
      "      stderr: true\n"
      "      labels: {service: php-fpm, tier: backend}\n"
      "      min_level: WARNING\n"
      "      redaction:\n"
      "        patterns:\n"
      "          - {name: password, pattern: '(password=)\\S+', replacement: '$${1}***'}\n"
      "      multiline: {pattern: '^\\[', max_lines: 50, timeout: 2s}\n"
      "      json: {detect_auto: true, merge_fields: true}\n"
      "      level_detection:\n"
      "        patterns: {error: ['FATAL', 'PANIC'], warn: 'WARN'}\n"
      "        default_level: info\n"
      "      filters: {include: ['app'], exclude: ['GET /health']}\n");
  const RunResult r = CheckConfig(path);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
}

TEST(CheckConfigLoggingTest, BadPatternsAndSizesAreErrorsWithTheirPlace) {
  TempDir dir;
  const std::string path = dir.Write("bad.yaml",
                                     "global:\n"
                                     "  log_buffer_bytes: lots\n"
                                     "processes:\n"
                                     "  web:\n"
                                     "    command: /bin/true\n"
                                     "    logging:\n"
                                     "      redaction:\n"
                                     "        patterns:\n"
                                     "          - {pattern: '(a)', replacement: '$2'}\n"
                                     "          - {pattern: 'token=(?P<v>\\w+'}\n"
                                     "      multiline: {pattern: '[z-a]'}\n"
                                     "      level_detection: {patterns: {error: '*x'}}\n"
                                     "      filters:\n"
                                     "        exclude:\n"
                                     "          - ok\n"
                                     "          - '(?<=x)y'\n");
  const RunResult r = CheckConfig(path);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> expected = {
      ":2:21: error: global.log_buffer_bytes: invalid size 'lots'",
      ":9:43: error: processes.web.logging.redaction.patterns[0].replacement: replacement refers "
      "to group 2 but the pattern has 1 group(s)",
      ":10:23: error: processes.web.logging.redaction.patterns[1].pattern: invalid regular "
      "expression 'token=(?P<v>\\w+': missing ): token=(?P<v>\\w+",
      ":11:28: error: processes.web.logging.multiline.pattern: invalid regular expression "
      "'[z-a]': invalid character class range: z-a",
      ":12:43: error: processes.web.logging.level_detection.patterns.error: invalid regular "
      "expression '*x': no argument for repetition operator: *",
      ":16:13: error: processes.web.logging.filters.exclude[1]: invalid regular expression "
      "'(?<=x)y': invalid perl operator: (?<",
  };
  for (const auto& line : expected) {
    EXPECT_NE(r.err.find(path + line), std::string::npos) << line << "\n" << r.err;
  }
  EXPECT_NE(r.out.find("invalid (6 errors"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace phpeek::testing
