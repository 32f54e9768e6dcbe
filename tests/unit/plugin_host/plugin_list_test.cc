#include "core/plugin_host/plugin_list.h"

#include <gtest/gtest.h>

namespace phpeek::plugin_host {
namespace {

TEST(PluginList, SwitchesThenListedPluginsByNameOrPathWithoutDuplicates) {
  config::Config c;
  c.source_path = "/etc/pm/phpeek-pm.yaml";
  c.global.api_enabled = true;
  c.global.metrics_enabled = true;
  c.global.plugins = {"spool", "/opt/x/table-writer.so", "rel/dir/own.so", "metrics"};
  const auto r = PluginRequests(c, "/usr/lib/phpeek-pm/plugins");
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].name, "rest-api");
  EXPECT_EQ(r[0].path, "/usr/lib/phpeek-pm/plugins/rest-api.so");
  EXPECT_EQ(r[1].name, "metrics");
  EXPECT_EQ(r[2].path, "/usr/lib/phpeek-pm/plugins/spool.so");
  EXPECT_EQ(r[3].name, "table-writer");
  EXPECT_EQ(r[3].path, "/opt/x/table-writer.so");
  EXPECT_EQ(r[4].name, "own");
  EXPECT_EQ(r[4].path, "/etc/pm/rel/dir/own.so");
}

TEST(PluginList, PluginDirFromConfigIsRelativeToTheConfigFile) {
  config::Config c;
  c.source_path = "/srv/app/pm.yaml";
  c.global.api_enabled = false;
  c.global.plugin_dir = "../plugins";
  c.global.plugins = {"spool"};
  const auto r = PluginRequests(c, "/unused");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].path, "/srv/plugins/spool.so");
}

TEST(PluginList, DefaultDirIsBesideTheExecutable) {
  // The test binary lives in <build>/bin, like the daemon.
  const std::string dir = DefaultPluginDir();
  EXPECT_NE(dir.find("/lib/phpeek-pm/plugins"), std::string::npos) << dir;
  EXPECT_EQ(dir.find("/bin/"), std::string::npos) << dir;
}

}  // namespace
}  // namespace phpeek::plugin_host
