// Every `global:` key: default, a good value, a bad value with its error text.
#include <gtest/gtest.h>

#include "core/config/sections.h"
#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

using std::chrono::milliseconds;

class GlobalKeysTest : public ConfigTest {
 protected:
  LoadResult LoadGlobal(const std::string& global_body, const Environment& env = {}) {
    return Load("global:\n" + global_body + "processes:\n  web:\n    command: /bin/true\n", env);
  }
  GlobalSpec Good(const std::string& global_body) {
    const LoadResult r = LoadGlobal(global_body);
    EXPECT_TRUE(r.config) << Dump(r.diagnostics);
    EXPECT_EQ(r.diagnostics.size(), 0u) << Dump(r.diagnostics);
    return r.config ? r.config->global : GlobalSpec{};
  }
  std::string Bad(const std::string& global_body, const std::string& key) {
    const LoadResult r = LoadGlobal(global_body);
    const Diagnostic d = ExpectOneError(r, "global." + key);
    EXPECT_EQ(d.pos.line, 2) << Dump(r.diagnostics);
    return d.message + (d.hint.empty() ? "" : " | " + d.hint);
  }
};

TEST_F(GlobalKeysTest, Defaults) {
  const LoadResult r = Load("processes:\n  web:\n    command: /bin/true\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const GlobalSpec& g = r.config->global;
  EXPECT_EQ(g.shutdown_timeout, milliseconds(30000));
  EXPECT_EQ(g.log_format, LogFormat::kJson);
  EXPECT_EQ(g.log_level, LogLevel::kInfo);
  EXPECT_EQ(g.restart_policy, RestartPolicy::kAlways);
  EXPECT_EQ(g.max_restart_attempts, 5);
  EXPECT_EQ(g.restart_backoff_initial, milliseconds(1000));
  EXPECT_EQ(g.restart_backoff_max, milliseconds(60000));
  EXPECT_EQ(g.max_process_scale, 100);
  EXPECT_TRUE(g.plugin_dirs.empty());
  EXPECT_TRUE(g.plugins.empty());
  EXPECT_TRUE(g.api_enabled);
  EXPECT_FALSE(g.metrics_enabled);
  // The plugins' keys, with the defaults their schemas declare, in the normal form.
  EXPECT_EQ(GlobalValue(*r.config, "api_host"), "\"127.0.0.1\"");
  EXPECT_EQ(GlobalValue(*r.config, "api_port"), "9180");
  EXPECT_EQ(GlobalValue(*r.config, "api_socket"), "<absent>");
  EXPECT_EQ(GlobalValue(*r.config, "api_auth"), "<absent>");
  EXPECT_EQ(GlobalValue(*r.config, "api_max_request_body"), "65536");
  // metrics is not loaded, so nobody reads its keys.
  EXPECT_EQ(GlobalValue(*r.config, "metrics_port"), "<absent>");
  const LoadResult m = LoadGlobal("  metrics_enabled: true\n");
  ASSERT_TRUE(m.config) << Dump(m.diagnostics);
  EXPECT_EQ(GlobalValue(*m.config, "metrics_host"), "\"127.0.0.1\"");
  EXPECT_EQ(GlobalValue(*m.config, "metrics_port"), "9090");
  EXPECT_EQ(GlobalValue(*m.config, "metrics_path"), "\"/metrics\"");
  EXPECT_FALSE(g.readiness.enabled);
  EXPECT_EQ(g.readiness.path, "/tmp/phpeek-ready");
  EXPECT_EQ(g.readiness.mode, ReadinessMode::kAllHealthy);
}

TEST_F(GlobalKeysTest, GoodValues) {
  const LoadResult loaded = LoadGlobal(
      "  shutdown_timeout: 1m30s\n"
      "  log_format: text\n"
      "  log_level: debug\n"
      "  restart_policy: on-failure\n"
      "  max_restart_attempts: 0\n"
      "  restart_backoff_initial: 500ms\n"
      "  restart_backoff_max: 2\n"
      "  max_process_scale: 8\n"
      "  plugin_dir: /opt/plugins\n"
      "  api_enabled: false\n"
      "  api_host: \"[::1]\"\n"
      "  api_port: 1\n"
      "  api_socket: /run/phpeek.sock\n"
      "  api_auth: s3cret\n"
      "  api_max_request_body: 1MiB\n"
      "  metrics_enabled: yes\n"
      "  metrics_host: 0.0.0.0\n"
      "  metrics_port: 65535\n"
      "  metrics_path: /m\n"
      "  readiness: {enabled: true, path: /run/ready, mode: all_running, processes: [web]}\n");
  ASSERT_TRUE(loaded.config) << Dump(loaded.diagnostics);
  EXPECT_EQ(loaded.diagnostics.size(), 0u) << Dump(loaded.diagnostics);
  const GlobalSpec& g = loaded.config->global;
  EXPECT_EQ(g.shutdown_timeout, milliseconds(90000));
  EXPECT_EQ(g.log_format, LogFormat::kText);
  EXPECT_EQ(g.log_level, LogLevel::kDebug);
  EXPECT_EQ(g.restart_policy, RestartPolicy::kOnFailure);
  EXPECT_EQ(g.max_restart_attempts, 0);
  EXPECT_EQ(g.restart_backoff_initial, milliseconds(500));
  EXPECT_EQ(g.restart_backoff_max, milliseconds(2000));
  EXPECT_EQ(g.max_process_scale, 8);
  EXPECT_EQ(g.plugin_dirs, std::vector<std::string>{"/opt/plugins"});
  EXPECT_FALSE(g.api_enabled);
  EXPECT_TRUE(g.metrics_enabled);
  EXPECT_EQ(GlobalValue(*loaded.config, "api_host"), "\"::1\"");
  EXPECT_EQ(GlobalValue(*loaded.config, "api_port"), "1");
  EXPECT_EQ(GlobalValue(*loaded.config, "api_socket"), "\"/run/phpeek.sock\"");
  EXPECT_EQ(GlobalValue(*loaded.config, "api_auth"), "\"s3cret\"");
  EXPECT_EQ(GlobalValue(*loaded.config, "api_max_request_body"), "1048576");
  EXPECT_EQ(GlobalValue(*loaded.config, "metrics_host"), "\"0.0.0.0\"");
  EXPECT_EQ(GlobalValue(*loaded.config, "metrics_port"), "65535");
  EXPECT_EQ(GlobalValue(*loaded.config, "metrics_path"), "\"/m\"");
  EXPECT_TRUE(g.readiness.enabled);
  EXPECT_EQ(g.readiness.path, "/run/ready");
  EXPECT_EQ(g.readiness.mode, ReadinessMode::kAllRunning);
  EXPECT_EQ(g.readiness.processes, std::vector<std::string>{"web"});
}

TEST_F(GlobalKeysTest, BadValues) {
  EXPECT_EQ(Bad("  shutdown_timeout: -5\n", "shutdown_timeout"),
            "invalid duration '-5': negative durations are not allowed | use seconds (30) or a "
            "number with unit: 500ms, 5s, 1m30s, 1h");
  EXPECT_EQ(Bad("  log_format: xml\n", "log_format"), "'xml' is not one of: json, text");
  EXPECT_EQ(Bad("  log_level: warning\n", "log_level"),
            "'warning' is not one of: debug, info, warn, error | did you mean 'warn'?");
  EXPECT_EQ(Bad("  restart_policy: on_failure\n", "restart_policy"),
            "'on_failure' is not one of: always, on-failure, never | did you mean 'on-failure'?");
  EXPECT_EQ(Bad("  max_restart_attempts: -1\n", "max_restart_attempts"),
            "must be between 0 and 1000000, got -1");
  EXPECT_EQ(Bad("  restart_backoff_initial: soon\n", "restart_backoff_initial"),
            "invalid duration 'soon': not a duration | use seconds (30) or a number with unit: "
            "500ms, 5s, 1m30s, 1h");
  EXPECT_EQ(Bad("  restart_backoff_max: 10ms\n", "restart_backoff_max"),
            "restart_backoff_max (10ms) is smaller than restart_backoff_initial (1s)");
  EXPECT_EQ(Bad("  max_process_scale: 0\n", "max_process_scale"),
            "must be between 1 and 100000, got 0");
  EXPECT_EQ(Bad("  plugin_dir: \"\"\n", "plugin_dir"), "must not be empty");
  EXPECT_EQ(Bad("  plugins: audit\n", "plugins"),
            "expected a list, got a value | write [a, b] or one '- item' per line");
  EXPECT_EQ(Bad("  api_enabled: maybe\n", "api_enabled"), "expected true or false, got 'maybe'");
  EXPECT_EQ(Bad("  api_host: \"\"\n", "api_host"),
            "must not be empty | a host name or an IP "
            "address without a port: 127.0.0.1, ::1, 0.0.0.0, localhost");
  EXPECT_EQ(Bad("  api_host: 127.0.0.1:80\n", "api_host"),
            "'127.0.0.1:80' has a port: give the host only (the port is a key apart) | a host "
            "name or an IP address without a port: 127.0.0.1, ::1, 0.0.0.0, localhost");
  EXPECT_EQ(Bad("  api_port: 70000\n", "api_port"), "must be between 0 and 65535, got 70000");
  EXPECT_EQ(Bad("  api_port: 1.5\n", "api_port"), "expected an integer, got '1.5'");
  EXPECT_EQ(Bad("  api_port: 99999999999999999999999\n", "api_port"),
            "must be between 0 and 65535, got 99999999999999999999999");
  EXPECT_EQ(Bad("  api_port: [1]\n", "api_port"), "expected an integer, got a list");
  EXPECT_EQ(Bad("  api_socket: {a: 1}\n", "api_socket"), "expected a value, got a map");
  EXPECT_EQ(Bad("  api_max_request_body: 10\n", "api_max_request_body"),
            "must be between 1KiB and 64MiB, got 10");
  EXPECT_EQ(
      Bad("  api_max_request_body: lots\n", "api_max_request_body"),
      "invalid size 'lots': not a byte size | a number of bytes, or one with a unit: 64KiB, 64K, "
      "1MiB, 1MB (x1024)");
  EXPECT_EQ(Bad("  metrics_enabled: 2\n", "metrics_enabled"), "expected true or false, got '2'");
  EXPECT_EQ(Bad("  metrics_host:\n", "metrics_host"), "expected a value, got nothing");
  EXPECT_EQ(Bad("  metrics_port: abc\n", "metrics_port"), "expected an integer, got 'abc'");
  // The metrics plugin's own check (validate_config) runs when the plugin is loaded.
  EXPECT_EQ(Bad("  metrics_path: metrics\n  metrics_enabled: true\n", "metrics_path"),
            "must start with '/', got 'metrics' | metrics_path: /metrics");
  EXPECT_EQ(Bad("  readiness: yes\n", "readiness"), "expected a map of keys, got a value");
}

TEST_F(GlobalKeysTest, BadReadinessFields) {
  const LoadResult r = LoadGlobal(
      "  readiness:\n"
      "    enabled: sometimes\n"
      "    mode: all\n"
      "    processes: [web, wbe]\n");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(CountSeverity(r.diagnostics, Severity::kError), 3u) << Dump(r.diagnostics);
  ASSERT_NE(FindDiag(r.diagnostics, "global.readiness.enabled"), nullptr);
  ASSERT_NE(FindDiag(r.diagnostics, "global.readiness.mode"), nullptr);
  const Diagnostic* d = FindDiag(r.diagnostics, "global.readiness.processes[1]");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message, "'wbe' is not a defined process");
  EXPECT_EQ(d->hint, "did you mean 'web'?");
  EXPECT_EQ(d->pos.line, 5);
}

TEST_F(GlobalKeysTest, EmptyApiAuthMeansNoAuth) {
  const LoadResult r = LoadGlobal("  api_auth: ${TOKEN:-}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(GlobalValue(*r.config, "api_auth"), "<absent>");
}

TEST_F(GlobalKeysTest, ExposedApiWithoutAuthWarns) {
  const LoadResult r = LoadGlobal("  api_host: 0.0.0.0\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const Diagnostic* d = FindDiag(r.diagnostics, "global.api_host");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kWarning);
  EXPECT_EQ(d->pos.line, 2);
  EXPECT_EQ(d->message,
            "the API listens on 0.0.0.0 without authentication: anyone who can reach it can stop "
            "your processes");
  EXPECT_EQ(LoadGlobal("  api_host: 0.0.0.0\n  api_auth: t\n").diagnostics.size(), 0u);
  // Not served, so not exposed: the plugin is not loaded and its check does not run.
  EXPECT_EQ(LoadGlobal("  api_enabled: false\n  api_host: 0.0.0.0\n").diagnostics.size(), 0u);
}

TEST_F(GlobalKeysTest, UnknownKeysWarnWithTheClosestKeyOfCoreOrPlugins) {
  const LoadResult r = LoadGlobal(
      "  api_prot: 1\n"
      "  metrics_pth: /m\n"
      "  log_levle: debug\n"
      "  audit_sink: /var/log/audit\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 4u) << Dump(r.diagnostics);
  EXPECT_EQ(FormatText(r.diagnostics[0]), path_ +
                                              ":2:3: warning: global.api_prot: unknown key "
                                              "'api_prot' is ignored (no loaded plugin reads it) "
                                              "(hint: did you mean 'api_port'?)");
  // metrics is switched off; its schema still makes its keys known.
  EXPECT_EQ(r.diagnostics[1].hint, "did you mean 'metrics_path'?");
  EXPECT_EQ(r.diagnostics[2].hint, "did you mean 'log_level'?");
  EXPECT_EQ(r.diagnostics[3].key_path, "global.audit_sink");
  EXPECT_EQ(r.diagnostics[3].hint, "");
  // Passed on as written.
  EXPECT_EQ(GlobalValue(*r.config, "audit_sink"), "\"/var/log/audit\"");
}

// check-config reports unknown keys of a file that does not load as well.
TEST_F(GlobalKeysTest, UnknownKeysAreReportedWhenTheLoadFails) {
  const LoadResult r = LoadGlobal("  api_prot: 1\n  api_port: high\n");
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(FormatText(r.diagnostics[0]), path_ +
                                              ":2:3: warning: global.api_prot: unknown key "
                                              "'api_prot' is ignored (no loaded plugin reads it) "
                                              "(hint: did you mean 'api_port'?)");
  EXPECT_EQ(r.diagnostics[1].key_path, "global.api_port");
}

TEST_F(GlobalKeysTest, EveryKnownKeyIsAccepted) {
  // KnownGlobalKeys() (used by JSON rendering) must match what the reader accepts.
  for (const auto& key : KnownGlobalKeys()) {
    const LoadResult r = LoadGlobal("  " + key + ": {}\n");
    for (const auto& d : r.diagnostics) {
      EXPECT_EQ(d.message.find("unknown key"), std::string::npos)
          << key << ": " << Dump(r.diagnostics);
    }
    if (!r.config) {  // a type error proves a typed reader handled it
      const Diagnostic* d = FindDiag(r.diagnostics, "global." + key);
      ASSERT_NE(d, nullptr) << key << "\n" << Dump(r.diagnostics);
      EXPECT_EQ(d->severity, Severity::kError);
    }
  }
}

TEST_F(GlobalKeysTest, LegacyRestartBackoffIsTheInitialDelay) {
  const LoadResult r = LoadGlobal("  restart_backoff: 5\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->global.restart_backoff_initial, milliseconds(5000));
  const Diagnostic* d = FindDiag(r.diagnostics, "global.restart_backoff");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::kWarning);
  EXPECT_EQ(d->pos.line, 2);
  // The new key wins when both are given.
  const LoadResult both = LoadGlobal("  restart_backoff: 5\n  restart_backoff_initial: 2s\n");
  ASSERT_TRUE(both.config);
  EXPECT_EQ(both.config->global.restart_backoff_initial, milliseconds(2000));
}

TEST_F(GlobalKeysTest, GlobalMustBeAMap) {
  const LoadResult r = Load("global: [1]\nprocesses:\n  web:\n    command: /bin/true\n");
  const Diagnostic d = ExpectOneError(r, "global");
  EXPECT_EQ(d.message, "expected a map of keys, got a list");
  EXPECT_EQ(d.pos.line, 1);
  EXPECT_EQ(d.pos.column, 9);
}

}  // namespace
}  // namespace phpeek::config
