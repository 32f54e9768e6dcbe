// DiffConfigs: a pure function of two loaded configurations (real YAML files through the loader).
#include "core/reload/config_diff.h"

#include <gtest/gtest.h>

#include "core/reload/reload_result.h"
#include "tests/unit/config/config_test_util.h"

namespace phpeek::reload {
namespace {

using Names = std::vector<std::string>;

class ConfigDiffTest : public config::ConfigTest {
 protected:
  config::Config Must(const std::string& yaml) {
    config::LoadResult r = Load(yaml);
    EXPECT_TRUE(r.config.has_value()) << config::Dump(r.diagnostics);
    return r.config ? *r.config : config::Config{};
  }
  ConfigDiff Diff(const std::string& a, const std::string& b) {
    const config::Config before = Must(a);
    const config::Config after = Must(b);
    return DiffConfigs(before, after);
  }
};

const char kBase[] = R"(processes:
  keep:
    command: ["sleep", "10"]
  scaled:
    command: ["sleep", "10"]
  changed:
    command: ["sleep", "10"]
  gone:
    command: ["sleep", "10"]
)";

TEST_F(ConfigDiffTest, SortsEveryProcessIntoItsKind) {
  const ConfigDiff d = Diff(kBase, R"(processes:
  added:
    command: ["sleep", "10"]
  keep:
    command: ["sleep", "10"]
  scaled:
    command: ["sleep", "10"]
    scale: 2
  changed:
    command: ["sleep", "11"]
)");
  EXPECT_EQ(d.Names(ChangeKind::kAdded), Names{"added"});
  EXPECT_EQ(d.Names(ChangeKind::kRemoved), Names{"gone"});
  EXPECT_EQ(d.Names(ChangeKind::kRestarted), Names{"changed"});
  EXPECT_EQ(d.Names(ChangeKind::kScaled), Names{"scaled"});
  EXPECT_EQ(d.Names(ChangeKind::kUnchanged), Names{"keep"});
  // The new file's order first (its order is the list's), the removed after.
  EXPECT_EQ(d.processes.front().name, "added");
  EXPECT_EQ(d.processes.back().name, "gone");
  EXPECT_FALSE(d.empty());
}

TEST_F(ConfigDiffTest, TheSameFileIsNoChangeEvenWhenBlocksMove) {
  EXPECT_TRUE(Diff(kBase, kBase).empty());
  const ConfigDiff moved = Diff(kBase, R"(processes:

  gone:
    command: ["sleep", "10"]
  keep:
    command:   ["sleep", "10"]
  changed:
    command: ["sleep", "10"]
  scaled:
    command: ["sleep", "10"]
)");
  EXPECT_EQ(moved.Count(ChangeKind::kUnchanged), 4u);
  EXPECT_TRUE(moved.empty());
}

TEST_F(ConfigDiffTest, SpawnKeysRestart) {
  const std::string a = "processes:\n  p:\n    command: [\"sleep\", \"10\"]\n";
  for (const std::string& extra :
       {std::string("    env:\n      A: \"1\"\n"), std::string("    working_dir: /tmp\n"),
        std::string("    user: \"0\"\n"), std::string("    group: \"0\"\n"),
        std::string("    type: oneshot\n"), std::string("    listen: [\"127.0.0.1:9000\"]\n")}) {
    SCOPED_TRACE(extra);
    const ConfigDiff d = Diff(a, a + extra);
    EXPECT_EQ(d.Names(ChangeKind::kRestarted), Names{"p"});
  }
}

TEST_F(ConfigDiffTest, PolicyKeysUpdateInPlace) {
  const std::string a = "processes:\n  p:\n    command: [\"sleep\", \"10\"]\n";
  for (const std::string& extra :
       {std::string("    restart: never\n"), std::string("    shutdown:\n      timeout: 5s\n"),
        std::string("    health_check:\n      type: tcp\n      address: 127.0.0.1:1\n"),
        std::string("    hooks:\n      pre_start:\n        - command: [\"true\"]\n"),
        std::string("    depends_on: []\n    critical: true\n"),
        std::string("    php_fpm_status: {address: \"127.0.0.1:9000\"}\n")}) {
    SCOPED_TRACE(extra);
    const ConfigDiff d = Diff(a, a + extra);
    EXPECT_EQ(d.Names(ChangeKind::kUpdated), Names{"p"});
    EXPECT_TRUE(d.Names(ChangeKind::kRestarted).empty());
  }
}

TEST_F(ConfigDiffTest, ScaleWithAnotherChangeKeepsTheStrongerKind) {
  const ConfigDiff d = Diff("processes:\n  p:\n    command: [\"sleep\", \"10\"]\n",
                            "processes:\n  p:\n    command: [\"sleep\", \"11\"]\n    scale: 3\n");
  ASSERT_EQ(d.processes.size(), 1u);
  EXPECT_EQ(d.processes[0].kind, ChangeKind::kRestarted);
  EXPECT_TRUE(d.processes[0].scale_changed);
}

TEST_F(ConfigDiffTest, ScheduleChangesUpdateAJobAndTurningIntoOneRestarts) {
  const std::string job = "processes:\n  j:\n    command: [\"true\"]\n    schedule: \"@hourly\"\n";
  EXPECT_EQ(Diff(job, "processes:\n  j:\n    command: [\"true\"]\n    schedule: \"@daily\"\n")
                .Names(ChangeKind::kUpdated),
            Names{"j"});
  EXPECT_EQ(Diff("processes:\n  j:\n    command: [\"true\"]\n", job).Names(ChangeKind::kRestarted),
            Names{"j"});
}

TEST_F(ConfigDiffTest, GlobalKeysAndHooks) {
  const ConfigDiff d =
      Diff("global:\n  log_level: info\n" + std::string(kBase),
           "global:\n  log_level: debug\n  api_auth: secret\nhooks:\n  pre_start:\n"
           "    - command: [\"true\"]\n" +
               std::string(kBase));
  EXPECT_EQ(d.global_keys, (Names{"api_auth", "log_level"}));
  EXPECT_TRUE(d.global_hooks_changed);
  EXPECT_EQ(d.Count(ChangeKind::kUnchanged), 4u);
}

TEST(ReloadJson, TheSpecsAnswer) {
  ReloadResult r;
  r.added = {"a"};
  r.updated = {"s"};
  r.unchanged = 2;
  EXPECT_EQ(ReloadJson(r),
            R"({"status":"reloaded","added":["a"],"removed":[],"restarted":[],"updated":["s"],)"
            R"("unchanged":2})");
  ReloadResult bad;
  bad.status = ReloadStatus::kInvalid;
  bad.message = "m";
  bad.errors.push_back({config::Severity::kError, "f.yaml", {3, 5}, "processes.x", "bad", "h"});
  const std::string json = ReloadJson(bad);
  EXPECT_NE(json.find(R"("status":"invalid")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("line":3,"column":5)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"x("text":"f.yaml:3:5: error: processes.x: bad (hint: h)")x"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace phpeek::reload
