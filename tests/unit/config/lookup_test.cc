// File lookup order: --config, then $PHPEEK_PM_CONFIG, then the first existing default path.
#include <gtest/gtest.h>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class LookupTest : public ConfigTest {
 protected:
  std::vector<std::string> Defaults() const {
    return {dir_.Join("etc.yaml"), dir_.Join("cwd.yaml")};
  }
};

TEST_F(LookupTest, CommandLineWins) {
  dir_.Write("etc.yaml", "x");
  std::string path, err;
  ASSERT_TRUE(
      ResolveConfigPath("cli.yaml", {{"PHPEEK_PM_CONFIG", "env.yaml"}}, Defaults(), &path, &err));
  EXPECT_EQ(path, "cli.yaml");
}

TEST_F(LookupTest, EnvironmentBeforeDefaults) {
  dir_.Write("etc.yaml", "x");
  std::string path, err;
  ASSERT_TRUE(ResolveConfigPath("", {{"PHPEEK_PM_CONFIG", "env.yaml"}}, Defaults(), &path, &err));
  EXPECT_EQ(path, "env.yaml");
}

TEST_F(LookupTest, FirstExistingDefault) {
  std::string path, err;
  dir_.Write("cwd.yaml", "x");
  ASSERT_TRUE(ResolveConfigPath("", {{"PHPEEK_PM_CONFIG", ""}}, Defaults(), &path, &err));
  EXPECT_EQ(path, dir_.Join("cwd.yaml"));
  dir_.Write("etc.yaml", "x");
  ASSERT_TRUE(ResolveConfigPath("", {}, Defaults(), &path, &err));
  EXPECT_EQ(path, dir_.Join("etc.yaml"));
}

TEST_F(LookupTest, NothingFoundNamesEveryPathTried) {
  std::string path, err;
  EXPECT_FALSE(ResolveConfigPath("", {}, Defaults(), &path, &err));
  EXPECT_EQ(err,
            "no configuration file found (no --config given, PHPEEK_PM_CONFIG not set; tried " +
                dir_.Join("etc.yaml") + ", " + dir_.Join("cwd.yaml") + ")");
}

TEST_F(LookupTest, RealDefaultsAreTheDocumentedOnes) {
  EXPECT_EQ(DefaultConfigPaths(),
            (std::vector<std::string>{"/etc/phpeek-pm/phpeek-pm.yaml", "./phpeek-pm.yaml"}));
}

TEST_F(LookupTest, MissingFileErrorNamesThePath) {
  const std::string missing = dir_.Join("nope.yaml");
  const LoadResult r = LoadConfigFile(missing, {});
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].file, missing);
  EXPECT_EQ(r.diagnostics[0].message,
            "cannot read configuration file " + missing + ": No such file or directory");
}

TEST_F(LookupTest, CurrentEnvironmentSeesProcessEnvironment) {
  ::setenv("PHPEEK_LOOKUP_TEST_VAR", "a=b", 1);
  const Environment env = CurrentEnvironment();
  ::unsetenv("PHPEEK_LOOKUP_TEST_VAR");
  ASSERT_EQ(env.count("PHPEEK_LOOKUP_TEST_VAR"), 1u);
  EXPECT_EQ(env.at("PHPEEK_LOOKUP_TEST_VAR"), "a=b");
}

}  // namespace
}  // namespace phpeek::config
