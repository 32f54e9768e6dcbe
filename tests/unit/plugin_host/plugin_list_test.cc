#include "core/plugin_host/plugin_list.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/test_support.h"

namespace phpeek::plugin_host {
namespace {

using phpeek::testing::TempDir;

TEST(PluginList, SwitchesThenListedPluginsByNameOrPathWithoutDuplicates) {
  TempDir builtin;
  for (const char* name : {"rest-api.so", "metrics.so", "spool.so"}) builtin.Write(name, "");
  config::GlobalSpec g;
  g.api_enabled = true;
  g.metrics_enabled = true;
  g.plugins = {"spool", "/opt/x/table-writer.so", "rel/dir/own.so", "metrics"};
  const auto r = PluginRequests(g, "/etc/pm/phpeek-pm.yaml", builtin.path());
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].name, "rest-api");
  EXPECT_EQ(r[0].path, builtin.Join("rest-api.so"));
  EXPECT_EQ(r[0].key, "api_enabled");
  EXPECT_EQ(r[1].name, "metrics");
  EXPECT_EQ(r[1].key, "metrics_enabled");
  EXPECT_EQ(r[2].path, builtin.Join("spool.so"));
  EXPECT_EQ(r[2].key, "plugins");
  EXPECT_EQ(r[2].item, 0);
  EXPECT_EQ(r[3].name, "table-writer");
  EXPECT_EQ(r[3].path, "/opt/x/table-writer.so");
  EXPECT_EQ(r[3].item, 1);
  EXPECT_EQ(r[4].name, "own");
  EXPECT_EQ(r[4].path, "/etc/pm/rel/dir/own.so");
}

// plugin_dir is a search path: its folders in order, then the built-in folder, always last, so an
// in-house folder neither hides the built-in plugins nor needs to copy them.
TEST(PluginList, PluginDirsAreSearchedInOrderThenTheBuiltInFolder) {
  TempDir root;
  std::filesystem::create_directories(root.Join("app/first"));
  std::filesystem::create_directories(root.Join("app/second"));
  std::filesystem::create_directories(root.Join("builtin"));
  root.Write("app/first/spool.so", "");
  root.Write("app/second/spool.so", "");
  root.Write("app/second/audit.so", "");
  root.Write("builtin/rest-api.so", "");
  root.Write("builtin/audit.so", "");
  config::GlobalSpec g;
  g.api_enabled = true;
  g.plugin_dirs = {"first", root.Join("app/second")};  // relative to the configuration file
  g.plugins = {"spool", "audit", "nowhere"};
  const auto r = PluginRequests(g, root.Join("app/pm.yaml"), root.Join("builtin"));
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].path, root.Join("builtin/rest-api.so"));
  EXPECT_EQ(r[1].path, root.Join("app/first/spool.so"));
  EXPECT_EQ(r[2].path, root.Join("app/second/audit.so"));
  EXPECT_EQ(r[3].path, "");
  EXPECT_EQ(r[3].searched, (std::vector<std::string>{root.Join("app/first/nowhere.so"),
                                                     root.Join("app/second/nowhere.so"),
                                                     root.Join("builtin/nowhere.so")}));
}

TEST(PluginList, TheBuiltInFolderIsSearchedOnce) {
  TempDir builtin;
  config::GlobalSpec g;
  g.api_enabled = false;
  g.plugin_dirs = {builtin.path()};
  g.plugins = {"spool"};
  const auto r = PluginRequests(g, "/srv/app/pm.yaml", builtin.path());
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].searched, std::vector<std::string>{builtin.Join("spool.so")});
}

TEST(PluginList, DefaultDirIsBesideTheExecutable) {
  // The test binary lives in <build>/bin, like the daemon.
  const std::string dir = DefaultPluginDir();
  EXPECT_NE(dir.find("/lib/phpeek-pm/plugins"), std::string::npos) << dir;
  EXPECT_EQ(dir.find("/bin/"), std::string::npos) << dir;
  // The plugins' folder is in the folder of the executable's TLS client module.
  EXPECT_EQ(dir, DefaultLibDir() + "/plugins");
}

}  // namespace
}  // namespace phpeek::plugin_host
