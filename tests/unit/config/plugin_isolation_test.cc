// global.plugin_isolation: where each plugin runs. Positions, hints, and the warning for a plugin
// the configuration does not load.
#include <gtest/gtest.h>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class PluginIsolationTest : public ConfigTest {
 protected:
  LoadResult LoadIsolation(const std::string& body) {
    return Load("global:\n  plugin_isolation:\n" + body +
                "processes:\n  web:\n    command: /bin/true\n");
  }
};

TEST_F(PluginIsolationTest, DefaultIsInProcessForEveryPlugin) {
  const LoadResult r = Load("processes:\n  web:\n    command: /bin/true\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.config->global.plugin_isolation.empty());
  EXPECT_EQ(GlobalValue(*r.config, "plugin_isolation"), "{}");
}

TEST_F(PluginIsolationTest, ProcessForALoadedPlugin) {
  const LoadResult r = LoadIsolation("    rest-api: process\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  const auto& entries = r.config->global.plugin_isolation;
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].plugin, "rest-api");
  EXPECT_EQ(entries[0].mode, IsolationMode::kProcess);
  EXPECT_EQ(entries[0].pos.line, 3);
  EXPECT_EQ(GlobalValue(*r.config, "plugin_isolation"), R"({"rest-api":"process"})");
}

TEST_F(PluginIsolationTest, BadModeIsAnErrorAtItsValueWithTheClosestMode) {
  const LoadResult r = LoadIsolation("    rest-api: procss\n");
  const Diagnostic d = ExpectOneError(r, "global.plugin_isolation.rest-api");
  EXPECT_EQ(d.pos.line, 3);
  EXPECT_EQ(d.pos.column, 15);
  EXPECT_EQ(d.message, "'procss' is not one of: in_process, process");
  EXPECT_EQ(d.hint, "did you mean 'process'?");
}

TEST_F(PluginIsolationTest, BadNameIsAnErrorAtTheName) {
  const LoadResult r = LoadIsolation("    Rest_API: process\n");
  const Diagnostic d = ExpectOneError(r, "global.plugin_isolation.Rest_API");
  EXPECT_EQ(d.pos.line, 3);
  EXPECT_EQ(d.pos.column, 5);
  EXPECT_EQ(d.message, "'Rest_API' is not a plugin name");
}

TEST_F(PluginIsolationTest, NotAMapIsAnError) {
  const LoadResult r = Load(
      "global:\n  plugin_isolation: process\nprocesses:\n  web:\n"
      "    command: /bin/true\n");
  const Diagnostic d = ExpectOneError(r, "global.plugin_isolation");
  EXPECT_EQ(d.pos.line, 2);
}

TEST_F(PluginIsolationTest, APluginThatIsNotLoadedIsAWarningWithTheClosestLoadedOne) {
  const LoadResult r = LoadIsolation("    rest-apj: process\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const Diagnostic* d = FindDiag(r.diagnostics, "global.plugin_isolation.rest-apj");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->severity, Severity::kWarning);
  EXPECT_EQ(d->pos.line, 3);
  EXPECT_EQ(d->pos.column, 5);
  EXPECT_EQ(d->message,
            "plugin_isolation names 'rest-apj', which this configuration does not load; ignored");
  EXPECT_EQ(d->hint, "did you mean 'rest-api'?");
}

}  // namespace
}  // namespace phpeek::config
