// `health_check:`: parsed and validated now, acted on later. (Hooks: hooks_config_test.cc.)
#include <gtest/gtest.h>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

using std::chrono::milliseconds;

class HooksHealthTest : public ConfigTest {};

TEST_F(HooksHealthTest, HealthCheckAllFields) {
  const ProcessSpec p = LoadProcess(
      "    command: /bin/true\n"
      "    health_check:\n"
      "      type: http\n"
      "      url: http://127.0.0.1:8080/health\n"
      "      initial_delay: 5\n"
      "      period: 500ms\n"
      "      timeout: 2s\n"
      "      failure_threshold: 4\n"
      "      success_threshold: 2\n"
      "      expected_status: 204\n"
      "      mode: readiness\n");
  ASSERT_TRUE(p.health_check.has_value());
  const HealthCheck& hc = *p.health_check;
  EXPECT_EQ(hc.type, HealthCheckType::kHttp);
  EXPECT_EQ(hc.url, "http://127.0.0.1:8080/health");
  EXPECT_EQ(hc.initial_delay, milliseconds(5000));
  EXPECT_EQ(hc.period, milliseconds(500));
  EXPECT_EQ(hc.timeout, milliseconds(2000));
  EXPECT_EQ(hc.failure_threshold, 4);
  EXPECT_EQ(hc.success_threshold, 2);
  EXPECT_EQ(hc.expected_status, 204);
  EXPECT_EQ(hc.mode, HealthCheckMode::kReadiness);
  EXPECT_EQ(hc.pos.line, 5);
  EXPECT_EQ(p.deferred_keys, std::vector<std::string>{"health_check"});
}

TEST_F(HooksHealthTest, HealthCheckTypesAndDefaults) {
  const ProcessSpec tcp = LoadProcess(
      "    command: /bin/true\n    health_check: {type: tcp, address: \"[::1]:9000\"}\n");
  ASSERT_TRUE(tcp.health_check);
  EXPECT_EQ(tcp.health_check->address, "[::1]:9000");
  EXPECT_EQ(tcp.health_check->period, milliseconds(10000));
  EXPECT_EQ(tcp.health_check->timeout, milliseconds(5000));
  EXPECT_EQ(tcp.health_check->failure_threshold, 3);
  EXPECT_EQ(tcp.health_check->success_threshold, 1);
  EXPECT_EQ(tcp.health_check->expected_status, 200);
  EXPECT_EQ(tcp.health_check->mode, HealthCheckMode::kBoth);
  const ProcessSpec exec =
      LoadProcess("    command: /bin/true\n    health_check: {command: [/bin/true]}\n");
  ASSERT_TRUE(exec.health_check);
  EXPECT_EQ(exec.health_check->type, HealthCheckType::kExec);
}

TEST_F(HooksHealthTest, BadHealthChecks) {
  auto error = [&](const std::string& hc, const std::string& key) {
    const LoadResult r =
        Load("processes:\n  web:\n    command: /bin/true\n    health_check: " + hc + "\n");
    return ExpectOneError(r, "processes.web.health_check" + key).message;
  };
  EXPECT_EQ(error("{type: ping}", ".type"), "'ping' is not one of: tcp, http, exec");
  EXPECT_EQ(error("{type: tcp}", ""), "a tcp health check needs 'address'");
  EXPECT_EQ(error("{type: tcp, address: localhost}", ".address"), "'localhost' is not host:port");
  EXPECT_EQ(error("{type: tcp, address: \"h:99999\"}", ".address"), "'h:99999' is not host:port");
  EXPECT_EQ(error("{type: http}", ""), "an http health check needs 'url'");
  EXPECT_EQ(error("{type: http, url: ftp://x}", ".url"),
            "'ftp://x' is not an http:// or https:// URL");
  EXPECT_EQ(error("{type: exec}", ""), "an exec health check needs 'command'");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", period: 0}", ".period"),
            "period must be greater than 0");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", failure_threshold: 0}", ".failure_threshold"),
            "must be between 1 and 1000, got 0");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", expected_status: 42}", ".expected_status"),
            "must be between 100 and 599, got 42");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", mode: always}", ".mode"),
            "'always' is not one of: both, liveness, readiness");
  EXPECT_EQ(error("[tcp]", ""), "expected a map, got a list");
}

}  // namespace
}  // namespace phpeek::config
