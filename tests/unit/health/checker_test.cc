// One instance's checker with a real socket probe and a fake clock: timing, thresholds, the
// timeout of a probe that hangs, and End.
#include "core/health/checker.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/canned_server.h"
#include "tests/support/test_support.h"
#include "tests/unit/supervisor/fake_os.h"

namespace phpeek::health {
namespace {

using std::chrono::milliseconds;
using testing::CannedServer;

class CheckerTest : public ::testing::Test {
 protected:
  CheckerTest() {
    std::string err;
    EXPECT_TRUE(loop_.Init(&err)) << err;
  }
  std::unique_ptr<Checker> Make(int port, bool http = false) {
    spec_.type = http ? config::HealthCheckType::kHttp : config::HealthCheckType::kTcp;
    spec_.address = "127.0.0.1:" + std::to_string(port);
    spec_.url = "http://" + spec_.address + "/";
    spec_.initial_delay = milliseconds(1000);
    spec_.period = milliseconds(500);
    spec_.timeout = milliseconds(200);
    spec_.failure_threshold = 2;
    return std::make_unique<Checker>(context_, spec_, 0, process::SpawnRequest{},
                                     [this](const Checker::Outcome& o) { outcomes_.push_back(o); });
  }
  // Moves the clock, then turns the loop until `n` outcomes were reported (or 5 s pass).
  void Advance(int ms, size_t n) {
    clock_.Advance(milliseconds(ms));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    do {
      loop_.RunOnce(false);
    } while (outcomes_.size() < n && std::chrono::steady_clock::now() < deadline);
  }

  testing::FakeClock clock_;
  supervisor::Loop loop_{clock_};
  testing::FakeProcesses os_;
  ProbeContext context_{loop_, os_, os_};
  config::HealthCheck spec_;
  std::vector<Checker::Outcome> outcomes_;
};

TEST_F(CheckerTest, ProbesAfterTheInitialDelayAndCountsTowardsTheThresholds) {
  CannedServer server(CannedServer::Mode::kCloseAtOnce);
  auto checker = Make(server.port());
  checker->Begin();
  Advance(999, 0);
  EXPECT_TRUE(outcomes_.empty());
  EXPECT_EQ(server.accepted(), 0);
  Advance(1, 1);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].result.passed);
  EXPECT_EQ(outcomes_[0].before, Health::kUnknown);
  EXPECT_EQ(outcomes_[0].changed, Health::kHealthy);
  EXPECT_EQ(checker->health(), Health::kHealthy);
  Advance(500, 2);
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[1].changed, std::nullopt);
  EXPECT_EQ(checker->stats().passed, 2u);
  EXPECT_EQ(checker->stats().buckets.back(), 2u);  // every attempt took less than 5 s
}

TEST_F(CheckerTest, AProbeThatHangsFailsAtItsTimeoutAndTheNextStartsOnTime) {
  CannedServer silent(CannedServer::Mode::kSilent);  // accepts, reads, never answers
  auto checker = Make(silent.port(), true);
  checker->Begin();
  Advance(1000, 0);
  ASSERT_TRUE(testing::WaitUntil([&] {
    loop_.RunOnce(false);
    return !silent.last_request().empty();
  }));
  Advance(199, 0);
  EXPECT_TRUE(outcomes_.empty());
  Advance(1, 1);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_FALSE(outcomes_[0].result.passed);
  EXPECT_EQ(outcomes_[0].result.detail, "timed out after 200ms");
  EXPECT_EQ(loop_.watched(), 0u);  // the socket was closed
  Advance(300, 1);                 // 500 ms after the first attempt started: the second connects
  EXPECT_TRUE(testing::WaitUntil([&] {
    loop_.RunOnce(false);
    return silent.accepted() == 2;
  }));
  Advance(200, 2);
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[1].changed, Health::kUnhealthy);
  EXPECT_EQ(checker->consecutive_failures(), 2);
  EXPECT_EQ(checker->stats().failed, 2u);
  EXPECT_EQ(checker->stats().last_failure, "timed out after 200ms");
}

TEST_F(CheckerTest, EndStopsProbingAndKeepsOnlyUnhealthy) {
  CannedServer server(CannedServer::Mode::kCloseAtOnce);
  auto checker = Make(server.port());
  checker->Begin();
  Advance(1000, 1);
  EXPECT_EQ(checker->health(), Health::kHealthy);
  checker->End();
  EXPECT_EQ(checker->health(), Health::kUnknown);  // a process that is gone is not healthy
  Advance(5000, 1);
  EXPECT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(loop_.timers(), 0u);
  auto refused = Make(testing::FreePort());
  refused->Begin();
  Advance(1000, 2);
  Advance(500, 3);
  EXPECT_EQ(refused->health(), Health::kUnhealthy);
  refused->End();
  EXPECT_EQ(refused->health(), Health::kUnhealthy);  // it explains the restart that follows
  refused->Begin();
  EXPECT_EQ(refused->health(), Health::kUnknown);
}

}  // namespace
}  // namespace phpeek::health
