// The four shipped example files of the original PHPeek PM load unchanged: no error, and every
// warning names its key and line.
#include <gtest/gtest.h>

#include "core/config/logging_spec.h"
#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

using std::chrono::milliseconds;

// With the schemas of this build's plugins, as the daemon loads them.
LoadResult LoadCompat(const std::string& name) {
  plugin_host::PluginCatalog catalog(PHPEEK_PLUGIN_DIR);
  LoadOptions options;
  options.plugins = catalog.Provider();
  return LoadConfigFile(std::string(PHPEEK_COMPAT_DIR) + "/" + name, CurrentEnvironment(), options);
}

class CompatTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CompatTest, LoadsWithoutErrorsAndWarningsArePlaced) {
  const LoadResult r = LoadCompat(GetParam());
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.severity, Severity::kWarning) << FormatText(d);
    EXPECT_GT(d.pos.line, 0) << FormatText(d);
    EXPECT_GT(d.pos.column, 0) << FormatText(d);
    EXPECT_FALSE(d.key_path.empty()) << FormatText(d);
  }
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.message.find("unknown key"), std::string::npos) << FormatText(d);
  }
  EXPECT_FALSE(r.config->processes.empty());
}

INSTANTIATE_TEST_SUITE_P(Examples, CompatTest,
                         ::testing::Values("minimal.yaml", "laravel-full.yaml",
                                           "laravel-healthchecks.yaml", "scheduled-tasks.yaml"));

const Diagnostic* FindWarning(const LoadResult& r, const std::string& key_path, int line) {
  for (const auto& d : r.diagnostics) {
    if (d.key_path == key_path && d.pos.line == line) return &d;
  }
  return nullptr;
}

TEST(CompatDetailTest, LaravelFull) {
  const LoadResult r = LoadCompat("laravel-full.yaml");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const Config& c = *r.config;
  EXPECT_EQ(c.version, "1.0");
  EXPECT_EQ(c.global.shutdown_timeout, milliseconds(60000));
  EXPECT_TRUE(c.global.metrics_enabled);
  EXPECT_FALSE(c.global.api_enabled);
  ASSERT_EQ(c.hooks.pre_start.size(), 5u);
  EXPECT_EQ(c.hooks.pre_start[0].retry, 2);
  EXPECT_EQ(c.hooks.pre_start[3].name, "migrate");
  EXPECT_EQ(c.hooks.pre_start[3].timeout, milliseconds(300000));
  EXPECT_TRUE(c.hooks.pre_start[4].continue_on_error);
  const ProcessSpec* fpm = c.FindProcess("php-fpm");
  ASSERT_NE(fpm, nullptr);
  EXPECT_EQ(fpm->shutdown.signal, SIGQUIT);
  ASSERT_TRUE(fpm->health_check);
  EXPECT_EQ(fpm->health_check->address, "127.0.0.1:9000");
  EXPECT_TRUE(fpm->deferred_keys.empty());  // health_check and logging act
  const ProcessSpec* horizon = c.FindProcess("horizon");
  ASSERT_NE(horizon, nullptr);
  EXPECT_EQ(horizon->shutdown.timeout, milliseconds(120000));
  EXPECT_EQ(horizon->health_check->mode, HealthCheckMode::kLiveness);
  ASSERT_EQ(horizon->hooks.pre_stop.size(), 1u);  // shutdown.pre_stop_hook
  EXPECT_EQ(horizon->hooks.pre_stop[0].name, "horizon-terminate");
  EXPECT_EQ(horizon->hooks.pre_stop[0].timeout, milliseconds(60000));
  EXPECT_EQ(c.FindProcess("queue-default")->scale, 2);
  EXPECT_EQ(c.FindProcess("queue-default")->restart, RestartPolicy::kOnFailure);
  EXPECT_FALSE(c.FindProcess("reverb")->enabled);
  EXPECT_EQ(c.FindProcess("scheduler")->schedule, "* * * * *");
  // Labels are read now (tests/unit/process_logs checks their values): no warning for them.
  EXPECT_EQ(FindWarning(r, "processes.php-fpm.logging.labels", 75), nullptr) << Dump(r.diagnostics);
  ASSERT_TRUE(fpm->logging);
  EXPECT_EQ(fpm->logging->labels.size(), 2u);
  EXPECT_NE(FindWarning(r, "processes.scheduler.heartbeat", 211), nullptr) << Dump(r.diagnostics);
}

TEST(CompatDetailTest, LaravelHealthchecks) {
  const LoadResult r = LoadCompat("laravel-healthchecks.yaml");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->global.max_restart_attempts, 3);
  EXPECT_EQ(r.config->global.restart_backoff_initial, milliseconds(5000));
  EXPECT_NE(FindWarning(r, "global.restart_backoff", 13), nullptr) << Dump(r.diagnostics);
  EXPECT_NE(FindWarning(r, "processes.nginx.shutdown.graceful", 60), nullptr);
  const ProcessSpec* horizon = r.config->FindProcess("horizon");
  ASSERT_NE(horizon, nullptr);
  EXPECT_EQ(horizon->depends_on, (std::vector<std::string>{"php-fpm", "redis"}));
  EXPECT_EQ(horizon->health_check->type, HealthCheckType::kExec);
  EXPECT_EQ(r.config->FindProcess("nginx")->health_check->type, HealthCheckType::kHttp);
}

TEST(CompatDetailTest, ScheduledTasks) {
  const LoadResult r = LoadCompat("scheduled-tasks.yaml");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->global.restart_policy, RestartPolicy::kNever);
  EXPECT_NE(FindWarning(r, "global.health_check_interval", 5), nullptr);
  EXPECT_NE(FindWarning(r, "global.log_timestamps", 9), nullptr);
  const ProcessSpec* backup = r.config->FindProcess("database-backup");
  ASSERT_NE(backup, nullptr);
  EXPECT_EQ(backup->schedule, "0 2 * * *");
  const std::vector<std::pair<std::string, std::string>> env = {{"BACKUP_PATH", "/backups"},
                                                                {"RETENTION_DAYS", "30"}};
  EXPECT_EQ(backup->env, env);
  EXPECT_FALSE(r.config->FindProcess("health-ping")->forward_stdout);
  EXPECT_EQ(r.config->FindProcess("hourly-reports")->schedule, "0 9-17 * * 1-5");
}

TEST(CompatDetailTest, Minimal) {
  const LoadResult r = LoadCompat("minimal.yaml");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.config->processes.size(), 1u);
  EXPECT_EQ(r.config->processes[0].command.argv, (std::vector<std::string>{"php-fpm", "-F", "-R"}));
}

}  // namespace
}  // namespace phpeek::config
