// Bad health-check input on the real binary: a config error with its position, nothing started.
#include <unistd.h>

#include "tests/integration/supervision/harness.h"

namespace phpeek::testing {
namespace {

// The daemon refuses the file: exit 1, the diagnostic at `where`, and the process never ran (its
// command would have created a file).
void ExpectRefused(const std::string& health_check, const std::string& where,
                   const std::string& message) {
  TempDir dir;
  const std::string marker = dir.Join("started");
  const std::string yaml = Yaml("  web:\n    command: \"touch " + marker +
                                "; sleep 60\"\n    health_check:\n" + health_check);
  auto s = StartDaemon(yaml);
  EXPECT_EQ(s.daemon->WaitExit(), 1) << s.daemon->Log();
  const std::string log = s.daemon->Log();
  EXPECT_NE(log.find(message), std::string::npos) << log;
  EXPECT_NE(log.find(where), std::string::npos) << log;
  EXPECT_NE(log.find("configuration is invalid"), std::string::npos) << log;
  EXPECT_EQ(log.find("process spawned"), std::string::npos) << log;
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the process was started";
}

TEST(HealthBadInputTest, CheckWithNeitherAddressNorUrl) {
  ExpectRefused("      initial_delay: 1s\n      period: 2s\n",
                "line=11 column=7 key=processes.web.health_check",
                "a health check needs 'address' (tcp), 'url' (http) or 'command' (exec)");
  ExpectRefused("      type: http\n      period: 2s\n",
                "line=11 column=7 key=processes.web.health_check",
                "an http health check needs 'url'");
}

TEST(HealthBadInputTest, NegativeThreshold) {
  ExpectRefused("      type: tcp\n      address: 127.0.0.1:9000\n      failure_threshold: -1\n",
                "line=13 column=26 key=processes.web.health_check.failure_threshold",
                "must be between 1 and 1000, got -1");
  ExpectRefused("      type: tcp\n      address: 127.0.0.1:9000\n      success_threshold: -3\n",
                "line=13 column=26 key=processes.web.health_check.success_threshold",
                "must be between 1 and 1000, got -3");
}

TEST(HealthBadInputTest, BadAddressUrlAndTimings) {
  ExpectRefused("      type: tcp\n      address: \"127.0.0.1\"\n",
                "line=12 column=16 key=processes.web.health_check.address",
                "'127.0.0.1' is not host:port");
  ExpectRefused("      url: \"https://127.0.0.1/health\"\n", "key=processes.web.health_check.url",
                "https is not supported by health checks");
  ExpectRefused("      type: tcp\n      address: 127.0.0.1:1\n      period: 0\n",
                "key=processes.web.health_check.period", "period must be greater than 0");
  ExpectRefused("      type: tcp\n      address: 127.0.0.1:1\n      interval: 5\n      period: 5\n",
                "key=processes.web.health_check.period",
                "'period' and 'interval' are the same setting");
}

TEST(HealthBadInputTest, CriticalMustBeABoolean) {
  TempDir dir;
  auto s = StartDaemon(Yaml("  web:\n    command: [\"sleep\", \"60\"]\n    critical: sometimes\n"));
  EXPECT_EQ(s.daemon->WaitExit(), 1) << s.daemon->Log();
  EXPECT_TRUE(s.daemon->LogContains("key=processes.web.critical")) << s.daemon->Log();
}

}  // namespace
}  // namespace phpeek::testing
