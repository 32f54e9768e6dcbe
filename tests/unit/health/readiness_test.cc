// The daemon's readiness from a snapshot, and the readiness file that follows it.
#include "core/health/readiness.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/health/readiness_file.h"
#include "tests/support/test_support.h"

namespace phpeek::health {
namespace {

ProcessStatus Status(const std::string& name, const std::string& state, bool ready,
                     const std::string& instance_state = "running") {
  ProcessStatus p;
  p.name = name;
  p.state = state;
  p.ready = ready;
  InstanceStatus i;
  i.id = name + "-0";
  i.state = instance_state;
  p.instances.push_back(i);
  return p;
}

config::ProcessSpec Spec(const std::string& name) {
  config::ProcessSpec p;
  p.name = name;
  return p;
}

TEST(ReadinessTest, EveryBootLongrunByDefaultEachAsTheApiSaysReady) {
  config::Config c;
  c.processes = {Spec("fpm"),     Spec("nginx"),  Spec("migrate"),
                 Spec("nightly"), Spec("manual"), Spec("off")};
  c.processes[2].type = config::ProcessType::kOneshot;
  c.processes[3].schedule = "0 2 * * *";
  c.processes[4].initial_state = config::InitialState::kStopped;
  c.processes[5].enabled = false;
  std::vector<ProcessStatus> s = {Status("fpm", "running", true),
                                  Status("nginx", "running", false),
                                  Status("migrate", "failed", false, "failed"),
                                  Status("nightly", "stopped", false),
                                  Status("manual", "stopped", false),
                                  Status("off", "stopped", false)};
  ReadinessStatus r = EvaluateReadiness(c, s);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.waiting, std::vector<std::string>{"nginx"});  // healthy where a check decides
  EXPECT_EQ(r.failed, std::vector<std::string>{"migrate"});
  c.global.readiness.mode = config::ReadinessMode::kAllRunning;
  r = EvaluateReadiness(c, s);
  EXPECT_TRUE(r.ready);
  c.global.readiness.processes = {"fpm", "migrate"};
  r = EvaluateReadiness(c, s);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.waiting, std::vector<std::string>{"migrate"});
  s[2] = Status("migrate", "completed", true, "completed");
  EXPECT_TRUE(EvaluateReadiness(c, s).ready);
}

TEST(ReadinessTest, NothingTrackedIsReady) {
  config::Config c;
  EXPECT_TRUE(EvaluateReadiness(c, {}).ready);
}

class ReadinessFileTest : public ::testing::Test {
 protected:
  ReadinessFileTest() {
    settings_.enabled = true;
    settings_.path = dir_.Join("run/sub/ready");
  }
  static Event Changed(bool ready) {
    Event e;
    e.type = EventType::kReadinessChanged;
    e.new_state = ready ? "ready" : "not ready";
    return e;
  }
  bool Exists() const { return access(settings_.path.c_str(), F_OK) == 0; }

  testing::TempDir dir_;
  config::Readiness settings_;
};

TEST_F(ReadinessFileTest, ExistsExactlyWhileReadyAndGoesAtShutdown) {
  ReadinessFile file(settings_);
  EXPECT_FALSE(Exists());
  file.OnEvent(Changed(true));
  ASSERT_TRUE(Exists());  // its directories are created, as the original did
  const std::string text = testing::ReadFile(settings_.path);
  EXPECT_EQ(text.rfind("ready\ntimestamp=", 0), 0u) << text;
  EXPECT_EQ(text.back(), '\n');
  struct stat st {};
  ASSERT_EQ(stat(settings_.path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  file.OnEvent(Changed(false));
  EXPECT_FALSE(Exists());
  file.OnEvent(Changed(true));
  EXPECT_TRUE(Exists());
  Event down;
  down.type = EventType::kShuttingDown;
  file.OnEvent(down);
  EXPECT_FALSE(Exists());
  // Nothing but the file is left in its directory (the temporary file was renamed over it).
  EXPECT_EQ(testing::RunCommand({"ls", "-A", dir_.Join("run/sub")}).out, "");
}

TEST_F(ReadinessFileTest, AStaleFileIsRemovedAtStartAndContentIsConfigurable) {
  testing::RunCommand({"mkdir", "-p", dir_.Join("run/sub")});
  dir_.Write("run/sub/ready", "left over\n");
  settings_.content = "up\n";
  ReadinessFile file(settings_);
  EXPECT_FALSE(Exists());
  file.OnEvent(Changed(true));
  EXPECT_EQ(testing::ReadFile(settings_.path), "up\n");
}

// A path that cannot be written (its "directory" is a file) is an error in the log, not a crash,
// and leaves nothing behind.
TEST_F(ReadinessFileTest, AnUnwritablePathIsLoggedNotFatal) {
  dir_.Write("plain", "x");
  settings_.path = dir_.Join("plain/ready");
  ReadinessFile file(settings_);
  file.OnEvent(Changed(true));
  EXPECT_FALSE(Exists());
  file.OnEvent(Changed(false));
  EXPECT_EQ(testing::ReadFile(dir_.Join("plain")), "x");
}

TEST_F(ReadinessFileTest, DisabledDoesNothing) {
  settings_.enabled = false;
  testing::RunCommand({"mkdir", "-p", dir_.Join("run/sub")});
  dir_.Write("run/sub/ready", "someone else's\n");
  ReadinessFile file(settings_);
  file.OnEvent(Changed(true));
  file.OnEvent(Changed(false));
  EXPECT_EQ(testing::ReadFile(settings_.path), "someone else's\n");
}

}  // namespace
}  // namespace phpeek::health
