// lifecycle.md, "Fail fast": a critical process that is given up, or a critical oneshot that
// fails, stops the whole daemon gracefully with exit 1 and a log line naming it.
#include <signal.h>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

TEST(CriticalTest, GivenUpCriticalProcessStopsEverythingWithExit1) {
  TempDir dir;
  const std::string stopped = dir.Join("stopped");
  auto s = StartDaemon(Yaml("  web:\n    command: \"trap 'echo web >> " + stopped +
                                "; exit 0' TERM; echo up; while :; do sleep 0.05; done\"\n"
                                "  fpm:\n    command: \"sleep 0.2; exit 7\"\n    critical: true\n",
                            "  max_restart_attempts: 2\n"));
  EXPECT_EQ(s.daemon->WaitExit(), 1) << s.daemon->Log();
  const std::string log = s.daemon->Log();
  EXPECT_NE(log.find("critical process failed; shutting down process=fpm instance=fpm-0"),
            std::string::npos)
      << log;
  EXPECT_LT(log.find("process failed; giving up process=fpm"), log.find("critical process failed"));
  EXPECT_NE(log.find("phpeek-pm stopped exit_code=1"), std::string::npos) << log;
  EXPECT_EQ(ReadFile(stopped), "web\n") << "the others are stopped gracefully (SIGTERM)";
}

TEST(CriticalTest, FailedCriticalOneshotStopsTheDaemon) {
  auto s =
      StartDaemon(Yaml("  web:\n    command: [\"sleep\", \"60\"]\n"
                       "  migrate:\n    type: oneshot\n    restart: never\n"
                       "    critical: true\n    command: \"exit 2\"\n"));
  EXPECT_EQ(s.daemon->WaitExit(), 1) << s.daemon->Log();
  EXPECT_TRUE(s.daemon->LogContains("critical process failed; shutting down process=migrate"))
      << s.daemon->Log();
}

TEST(CriticalTest, CompletedCriticalOneshotAndFailedOrdinaryProcessKeepItRunning) {
  auto s =
      StartDaemon(Yaml("  web:\n    command: [\"sleep\", \"60\"]\n"
                       "  migrate:\n    type: oneshot\n    critical: true\n"
                       "    command: \"exit 0\"\n"
                       "  flaky:\n    command: \"exit 1\"\n",
                       "  max_restart_attempts: 1\n"));
  ASSERT_TRUE(s.daemon->WaitForLog("process completed process=migrate")) << s.daemon->Log();
  ASSERT_TRUE(s.daemon->WaitForLog("process failed; giving up process=flaky")) << s.daemon->Log();
  EXPECT_TRUE(ProcessExists(s.daemon->pid()));
  EXPECT_FALSE(s.daemon->LogContains("critical process failed"));
  s.daemon->Signal(SIGTERM);
  EXPECT_EQ(s.daemon->WaitExit(), 0);
}

}  // namespace
}  // namespace phpeek::testing
