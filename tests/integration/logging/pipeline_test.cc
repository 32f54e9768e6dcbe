// Each `logging:` key changes what the daemon writes for a child's lines (lifecycle.md, "Logs"),
// on the real binary with JSON output: level detection, labels, redaction, JSON extraction,
// min_level, filters and multiline grouping (its timer ends an entry that no next line ends), and
// patterns that would take a backtracking engine forever on a long line.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

class PipelineTest : public ::testing::Test {
 protected:
  // A process that prints `lines` (from a file: no quoting on the way) and then sleeps.
  std::string Printer(const std::string& name, const std::string& lines,
                      const std::string& logging) {
    const std::string file = dir_.Write(name + ".txt", lines);
    return "  " + name + ":\n    command: [\"sh\", \"-c\", \"cat " + file + "; exec sleep 60\"]\n" +
           (logging.empty() ? "" : "    logging:\n" + logging);
  }
  void Run(const std::string& processes, const std::string& wait_for) {
    const std::string path =
        dir_.Write("pm.yaml",
                   "global:\n  api_enabled: false\n  log_format: json\n  log_level: debug\n"
                   "processes:\n" +
                       processes);
    daemon_ = std::make_unique<Daemon>(std::vector<std::string>{"-c", path});
    ASSERT_TRUE(daemon_->WaitForLog(wait_for)) << daemon_->Log();
  }
  void TearDown() override {
    if (!daemon_) return;
    daemon_->Signal(SIGTERM);
    EXPECT_EQ(daemon_->WaitExit(), 0) << daemon_->Log();
  }
  bool Has(const std::string& text) const { return daemon_->LogContains(text); }

  TempDir dir_;
  std::unique_ptr<Daemon> daemon_;
};

// Without a block: the built-in patterns set the level of php-fpm and nginx lines; other lines
// stay info.
TEST_F(PipelineTest, BuiltInLevelsWithoutABlock) {
  Run(Printer("fpm",
              "[06-Dec-2026 10:00:00] ERROR: unable to bind listening socket\n"
              "2026/12/06 10:00:00 [warn] 7#7: conflicting server name\nplain line\n",
              ""),
      "plain line");
  EXPECT_TRUE(Has(R"("level":"error","msg":"[06-Dec-2026 10:00:00] ERROR: unable to bind)"))
      << daemon_->Log();
  EXPECT_TRUE(Has(R"("level":"warn","msg":"2026/12/06 10:00:00 [warn] 7#7: conflicting)"));
  EXPECT_TRUE(Has(R"("level":"info","msg":"plain line","process":"fpm","instance":"fpm-0",)"
                  R"("stream":"stdout"})"));
}

TEST_F(PipelineTest, LabelsRedactionAndJsonFields) {
  Run(Printer("app",
              "login password=hunter2 ok\n"
              R"({"level":"warning","message":"queue slow","ctx":{"n":7}})"
              "\nlast\n",
              "      labels: {team: shop}\n"
              "      redaction:\n        patterns:\n"
              "          - {name: pw, pattern: 'password=\\S+', replacement: 'password=[hidden]'}\n"
              "      json: {}\n"),
      "\"msg\":\"last\"");
  EXPECT_TRUE(Has(R"("msg":"login password=[hidden] ok")")) << daemon_->Log();
  EXPECT_FALSE(Has("hunter2"));
  // The JSON line's level and message are the entry's; its other member is a JSON field.
  EXPECT_TRUE(Has(R"("level":"warn","msg":"queue slow","process":"app","instance":"app-0",)"
                  R"("stream":"stdout","ctx":{"n":7},"team":"shop"})"))
      << daemon_->Log();
}

TEST_F(PipelineTest, MinLevelAndFilters) {
  Run(Printer("worker",
              "[2026-12-06 10:00:00] production.DEBUG: cache miss\n"
              "[2026-12-06 10:00:00] production.INFO: healthcheck ping\n"
              "[2026-12-06 10:00:00] production.ERROR: job failed\nend\n",
              "      min_level: info\n      filters: {exclude: ['healthcheck']}\n"),
      "\"msg\":\"end\"");
  EXPECT_TRUE(Has("production.ERROR: job failed")) << daemon_->Log();
  EXPECT_FALSE(Has("cache miss"));
  EXPECT_FALSE(Has("healthcheck ping"));
}

// A stack trace is one entry; the last entry, with no next start line, ends at the timeout.
TEST_F(PipelineTest, MultilineGroupsAndItsTimerEndsTheLastEntry) {
  Run(Printer("php",
              "PHP Fatal error: boom\n#0 a.php(1)\n#1 b.php(2)\nPHP Warning: tail\n#0 c.php\n",
              "      multiline: {pattern: '^PHP ', timeout: 300ms}\n"),
      "PHP Warning: tail\\n#0 c.php");
  EXPECT_TRUE(Has(R"x("msg":"PHP Fatal error: boom\n#0 a.php(1)\n#1 b.php(2)")x"))
      << daemon_->Log();
  EXPECT_FALSE(Has(R"x("msg":"#0 a.php(1)")x"));
}

// Patterns that take a backtracking engine exponential time, against a 100 KB line, in every stage
// that runs patterns: the line and the one after it come out while the daemon's deadline for
// the next line (10 s here) is far from reached; a backtracking engine would never finish.
TEST_F(PipelineTest, PathologicalPatternsOnALongLineDoNotStallTheDaemon) {
  Run(Printer("flood", std::string(100 * 1000, 'a') + "!\nafter the long line\n",
              "      multiline: {pattern: '(a+)+$'}\n"
              "      redaction: {patterns: [{pattern: '(a+)+$', replacement: 'x'}]}\n"
              "      level_detection: {patterns: {error: '(a|aa)+$'}}\n"
              "      filters: {exclude: ['(a*)*b$']}\n"),
      "after the long line");
}

}  // namespace
}  // namespace phpeek::testing
