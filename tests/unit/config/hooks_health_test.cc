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
  EXPECT_TRUE(p.deferred_keys.empty());  // acted on: core/health probes it
}

TEST_F(HooksHealthTest, HealthCheckTypesAndDefaults) {
  const ProcessSpec tcp = LoadProcess(
      "    command: /bin/true\n    health_check: {type: tcp, address: \"[::1]:9000\"}\n");
  ASSERT_TRUE(tcp.health_check);
  EXPECT_EQ(tcp.health_check->address, "[::1]:9000");
  EXPECT_EQ(tcp.health_check->initial_delay, milliseconds(5000));
  EXPECT_EQ(tcp.health_check->period, milliseconds(10000));
  EXPECT_EQ(tcp.health_check->timeout, milliseconds(3000));
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
  EXPECT_EQ(error("{type: http, url: ftp://x}", ".url"), "'ftp://x' is not an http:// URL");
  EXPECT_EQ(error("{type: http, url: \"https://127.0.0.1/health\"}", ".url"),
            "'https://127.0.0.1/health': https is not supported by health checks (the probe "
            "speaks plain HTTP)");
  EXPECT_EQ(error("{type: http, url: \"http://u:p@127.0.0.1/\"}", ".url"),
            "'http://u:p@127.0.0.1/': credentials in the URL are not supported");
  EXPECT_EQ(error("{type: http, url: \"http://:80/\"}", ".url"),
            "'http://:80/' has no valid host[:port]");
  EXPECT_EQ(error("{initial_delay: 1}", ""),
            "a health check needs 'address' (tcp), 'url' (http) or 'command' (exec)");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", failure_threshold: -2}", ".failure_threshold"),
            "must be between 1 and 1000, got -2");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", success_threshold: -1}", ".success_threshold"),
            "must be between 1 and 1000, got -1");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", timeout: 0}", ".timeout"),
            "timeout must be greater than 0");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", period: 5, interval: 5}", ".interval"),
            "'interval' and 'period' are the same setting");
  EXPECT_EQ(error("{type: tcp, address: \"a:1\", retries: 2, failure_threshold: 2}",
                  ".failure_threshold"),
            "'failure_threshold' and 'retries' are the same setting");
  EXPECT_EQ(error("{type: tcp, address: \"a:{instance_index}x\"}", ".address"),
            "'a:{instance_index}x' is not host:port");
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

// The original's docs spell the period `interval` and the failure threshold `retries`.
TEST_F(HooksHealthTest, HealthCheckAliases) {
  const ProcessSpec p = LoadProcess(
      "    command: /bin/true\n"
      "    health_check: {type: exec, command: [pgrep, worker], interval: 30, retries: 4}\n");
  ASSERT_TRUE(p.health_check);
  EXPECT_EQ(p.health_check->period, milliseconds(30000));
  EXPECT_EQ(p.health_check->failure_threshold, 4);
}

TEST_F(HooksHealthTest, HealthCheckInstanceIndexAndUrlUnderAddress) {
  const ProcessSpec tcp = LoadProcess(
      "    command: /bin/true\n"
      "    health_check: {type: tcp, address: \"127.0.0.1:900{instance_index}\"}\n");
  ASSERT_TRUE(tcp.health_check);
  EXPECT_EQ(tcp.health_check->address, "127.0.0.1:900{instance_index}");  // expanded per instance
  // The original's readiness docs write an http check's URL under `address`.
  const ProcessSpec http = LoadProcess(
      "    command: /bin/true\n"
      "    health_check: {type: http, address: \"http://127.0.0.1:80/health\"}\n");
  ASSERT_TRUE(http.health_check);
  EXPECT_EQ(http.health_check->url, "http://127.0.0.1:80/health");
}

TEST_F(HooksHealthTest, CriticalAndReadinessContent) {
  const LoadResult r = Load(
      "global:\n"
      "  readiness: {enabled: true, content: \"up\\n\"}\n"
      "processes:\n"
      "  web: {command: /bin/true, critical: true}\n"
      "  other: {command: /bin/true}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.config->processes[0].critical);
  EXPECT_FALSE(r.config->processes[1].critical);
  ASSERT_TRUE(r.config->global.readiness.content);
  EXPECT_EQ(*r.config->global.readiness.content, "up\n");
  const LoadResult bad = Load("processes:\n  web: {command: /bin/true, critical: maybe}\n");
  EXPECT_NE(ExpectOneError(bad, "processes.web.critical").pos.line, 0);
}

}  // namespace
}  // namespace phpeek::config
