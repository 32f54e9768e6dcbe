// PHPEEK_PM_GLOBAL_<KEY> overrides: environment > file > default, with diagnostics naming the
// variable.
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class OverridesTest : public ConfigTest {
 protected:
  const std::string kFile =
      "global:\n"
      "  api_port: 9000\n"
      "  log_level: debug\n"
      "processes:\n"
      "  web: {command: /bin/true}\n";
};

TEST_F(OverridesTest, EnvironmentBeatsFileBeatsDefault) {
  const LoadResult r = Load(kFile, {{"PHPEEK_PM_GLOBAL_API_PORT", "9999"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(GlobalValue(*r.config, "api_port"), "9999");    // env over file, typed by the schema
  EXPECT_EQ(r.config->global.log_level, LogLevel::kDebug);  // file over default
  EXPECT_EQ(GlobalValue(*r.config, "api_max_request_body"), "65536");  // a plugin's default
}

TEST_F(OverridesTest, KeyMissingFromFile) {
  const LoadResult r = Load(kFile, {{"PHPEEK_PM_GLOBAL_SHUTDOWN_TIMEOUT", "5s"},
                                    {"PHPEEK_PM_GLOBAL_METRICS_ENABLED", "true"},
                                    {"PHPEEK_PM_GLOBAL_API_MAX_REQUEST_BODY", "2KiB"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->global.shutdown_timeout, std::chrono::milliseconds(5000));
  EXPECT_TRUE(r.config->global.metrics_enabled);
  EXPECT_EQ(GlobalValue(*r.config, "api_max_request_body"), "2048");
}

// `plugins` from the environment is a list; a plugin it names that cannot be loaded is an error
// naming the variable.
TEST_F(OverridesTest, PluginListFromTheEnvironment) {
  const LoadResult r = Load(kFile, {{"PHPEEK_PM_GLOBAL_PLUGINS", "audit, /opt/x.so"}});
  ASSERT_FALSE(r.config);
  ASSERT_EQ(CountSeverity(r.diagnostics, Severity::kError), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].key_path, "global.plugins[0]");
  EXPECT_EQ(r.diagnostics[0].message.rfind("environment variable PHPEEK_PM_GLOBAL_PLUGINS: "
                                           "plugin 'audit': not found",
                                           0),
            0u)
      << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[1].key_path, "global.plugins[1]");
  EXPECT_NE(r.diagnostics[1].message.find("plugin 'x': not found at /opt/x.so"), std::string::npos)
      << Dump(r.diagnostics);
}

TEST_F(OverridesTest, OverrideValueIsNotSubstituted) {
  const LoadResult r = Load(kFile, {{"PHPEEK_PM_GLOBAL_API_AUTH", "${NOPE}"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(GlobalValue(*r.config, "api_auth"), "\"${NOPE}\"");
}

TEST_F(OverridesTest, BadValueNamesTheVariable) {
  const LoadResult r = Load(kFile, {{"PHPEEK_PM_GLOBAL_API_PORT", "abc"}});
  const Diagnostic d = ExpectOneError(r, "global.api_port");
  EXPECT_EQ(d.message,
            "environment variable PHPEEK_PM_GLOBAL_API_PORT: expected an integer, got 'abc'");
  EXPECT_EQ(d.pos.line, 2);  // the value it replaces
}

TEST_F(OverridesTest, BadValueForKeyNotInFile) {
  const LoadResult r = Load(kFile, {{"PHPEEK_PM_GLOBAL_LOG_FORMAT", "xml"}});
  const Diagnostic d = ExpectOneError(r, "global.log_format");
  EXPECT_EQ(d.message,
            "environment variable PHPEEK_PM_GLOBAL_LOG_FORMAT: 'xml' is not one of: json, text");
  EXPECT_EQ(d.pos.line, 0);
}

// Checks beyond the type (sizes, paths, non-empty text, backoff order) name the variable too:
// such a value has no place in the file to point at.
TEST_F(OverridesTest, EveryValueCheckNamesTheVariable) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"PHPEEK_PM_GLOBAL_API_MAX_REQUEST_BODY", "abc", "invalid size 'abc': not a byte size"},
      {"PHPEEK_PM_GLOBAL_API_MAX_REQUEST_BODY", "99999999999999", "invalid size '99999999999999'"},
      {"PHPEEK_PM_GLOBAL_API_MAX_REQUEST_BODY", "64MiB1", "invalid size '64MiB1'"},
      {"PHPEEK_PM_GLOBAL_API_HOST", "", "must not be empty"},
      {"PHPEEK_PM_GLOBAL_API_HOST", "::1:80:x", "'::1:80:x' is not a valid IPv6 address"},
      {"PHPEEK_PM_GLOBAL_RESTART_BACKOFF_MAX", "1ms",
       "restart_backoff_max (1ms) is smaller than restart_backoff_initial (1s)"},
      {"PHPEEK_PM_GLOBAL_API_PORT", "65536", "must be between 0 and 65535, got 65536"},
      {"PHPEEK_PM_GLOBAL_MAX_PROCESS_SCALE", "18446744073709551617",
       "must be between 1 and 100000, got 18446744073709551617"},
  };
  for (const auto& [var, value, message] : cases) {
    const LoadResult r = Load(kFile, {{var, value}});
    EXPECT_FALSE(r.config) << var;
    ASSERT_EQ(CountSeverity(r.diagnostics, Severity::kError), 1u) << Dump(r.diagnostics);
    const std::string expected = "environment variable " + var + ": " + message;
    EXPECT_EQ(r.diagnostics[0].message.substr(0, expected.size()), expected) << Dump(r.diagnostics);
  }
}

// A plugin's own check (validate_config) of a value from the environment names the variable too.
TEST_F(OverridesTest, PluginCheckNamesTheVariable) {
  const LoadResult r = Load(kFile, {{"PHPEEK_PM_GLOBAL_METRICS_ENABLED", "true"},
                                    {"PHPEEK_PM_GLOBAL_METRICS_PATH", "metrics"}});
  const Diagnostic d = ExpectOneError(r, "global.metrics_path");
  EXPECT_EQ(d.message,
            "environment variable PHPEEK_PM_GLOBAL_METRICS_PATH: must start with '/', got "
            "'metrics'");
}

TEST_F(OverridesTest, UnknownKeyIsReportedWithTheVariable) {
  const LoadResult r = Load(kFile, {{"PHPEEK_PM_GLOBAL_API_PROT", "1"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const Diagnostics& d = r.diagnostics;
  ASSERT_EQ(d.size(), 1u) << Dump(d);
  EXPECT_EQ(d[0].key_path, "global.api_prot");
  EXPECT_EQ(d[0].message,
            "environment variable PHPEEK_PM_GLOBAL_API_PROT sets unknown key 'api_prot', which is "
            "ignored (no loaded plugin reads it)");
  EXPECT_EQ(d[0].hint, "did you mean 'api_port'?");
  // Passed on as written (plugins that read undeclared keys get them).
  EXPECT_EQ(GlobalValue(*r.config, "api_prot"), "1");
}

TEST_F(OverridesTest, ObjectsAndEmptyNamesCannotBeOverridden) {
  const LoadResult r =
      Load(kFile, {{"PHPEEK_PM_GLOBAL_READINESS", "true"}, {"PHPEEK_PM_GLOBAL_", "x"}});
  EXPECT_FALSE(r.config);
  EXPECT_EQ(CountSeverity(r.diagnostics, Severity::kError), 2u) << Dump(r.diagnostics);
  const Diagnostic* d = FindDiag(r.diagnostics, "global.readiness");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("PHPEEK_PM_GLOBAL_READINESS"), std::string::npos);
}

TEST_F(OverridesTest, WorksWithoutGlobalBlock) {
  const LoadResult r =
      Load("processes:\n  web: {command: /bin/true}\n", {{"PHPEEK_PM_GLOBAL_API_ENABLED", "no"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_FALSE(r.config->global.api_enabled);
}

}  // namespace
}  // namespace phpeek::config
