#include "plugins/metrics/collector.h"

#include <gtest/gtest.h>

#include <string>

namespace phpeek::metrics {
namespace {

// Builds events the way the host delivers them, with increasing seq.
class EventFeed {
 public:
  explicit EventFeed(Collector* c) : c_(c) {}

  void State(const std::string& instance, int32_t from, int32_t to) {
    phpeek_event ev = Base(PHPEEK_EVENT_STATE_CHANGED, instance);
    ev.old_state = from;
    ev.new_state = to;
    c_->OnEvent(ev);
  }
  void Spawned(const std::string& instance, int32_t pid) {
    phpeek_event ev = Base(PHPEEK_EVENT_SPAWNED, instance);
    ev.pid = pid;
    c_->OnEvent(ev);
  }
  void Exited(const std::string& instance, int32_t code, int32_t sig, uint32_t dropped = 0,
              const char* detail = nullptr) {
    phpeek_event ev = Base(PHPEEK_EVENT_EXITED, instance);
    if (detail != nullptr) ev.detail_json = detail;
    ev.exit_code = code;
    ev.signal = sig;
    ev.dropped = dropped;
    c_->OnEvent(ev);
  }
  // A start of an instance: starting -> spawned -> running.
  void Start(const std::string& instance, int32_t pid, int32_t from = PHPEEK_STATE_STOPPED) {
    State(instance, from, PHPEEK_STATE_STARTING);
    Spawned(instance, pid);
    State(instance, PHPEEK_STATE_STARTING, PHPEEK_STATE_RUNNING);
  }

 private:
  phpeek_event Base(uint32_t type, const std::string& instance) {
    process_ = instance.substr(0, instance.rfind('-'));
    instance_ = instance;
    phpeek_event ev{};
    ev.struct_size = sizeof(ev);
    ev.type = type;
    ev.seq = ++seq_;
    ev.process = process_.c_str();
    ev.instance = instance_.c_str();
    ev.exit_code = -1;
    ev.detail_json = "{\"schema\":1}";
    return ev;
  }

  Collector* c_;
  uint64_t seq_ = 0;
  std::string process_, instance_;
};

TEST(Collector, FirstStartsAreNotRestarts) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("web-0", 100, PHPEEK_STATE_UNKNOWN);
  feed.Start("web-1", 101);
  EXPECT_EQ(c.Restarts("web"), (RestartCounts{0, 0, 0, 0}));
}

TEST(Collector, CrashThenRespawnCountsCrash) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("web-0", 100);
  feed.Exited("web-0", -1, 9);  // kill -9
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STARTING);
  feed.Spawned("web-0", 200);
  feed.Exited("web-0", 3, 0);  // exit 3
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_BACKOFF);
  feed.State("web-0", PHPEEK_STATE_BACKOFF, PHPEEK_STATE_STARTING);
  feed.Spawned("web-0", 300);
  const RestartCounts r = c.Restarts("web");
  EXPECT_EQ(r[kCrash], 2u);
  EXPECT_EQ(r[kNormalExit], 0u);
  EXPECT_EQ(r[kManual], 0u);
  EXPECT_EQ(c.Restarts("other"), (RestartCounts{0, 0, 0, 0}));
}

TEST(Collector, CleanExitThenRespawnCountsNormalExit) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("job-0", 100);
  feed.Exited("job-0", 0, 0);
  feed.State("job-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STARTING);
  feed.Spawned("job-0", 101);
  EXPECT_EQ(c.Restarts("job")[kNormalExit], 1u);
  EXPECT_EQ(c.Restarts("job")[kCrash], 0u);
}

TEST(Collector, ExitWhileStoppingThenRespawnCountsManual) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("web-0", 100);
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STOPPING);
  feed.Exited("web-0", -1, 15);
  feed.State("web-0", PHPEEK_STATE_STOPPING, PHPEEK_STATE_STARTING);
  feed.Spawned("web-0", 101);
  EXPECT_EQ(c.Restarts("web")[kManual], 1u);
  EXPECT_EQ(c.Restarts("web")[kCrash], 0u);
}

// ABI 1.1: the supervisor stopped the run for its failing liveness check; the instance goes from
// stopping straight to backoff or starting.
TEST(Collector, ALivenessStopThenRespawnCountsHealthCheck) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("web-0", 100);
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STOPPING);
  feed.Exited(
      "web-0", -1, 15, 0,
      R"({"schema":1,"instance":"web-0","exit_code":-1,"signal":15,"ended_by":"health_check"})");
  feed.State("web-0", PHPEEK_STATE_STOPPING, PHPEEK_STATE_BACKOFF);
  feed.State("web-0", PHPEEK_STATE_BACKOFF, PHPEEK_STATE_STARTING);
  feed.Spawned("web-0", 101);
  EXPECT_EQ(c.Restarts("web")[kHealthCheck], 1u);
  EXPECT_EQ(c.Restarts("web")[kManual], 0u);
  // Given up after a liveness stop, then started by hand: manual.
  feed.State("web-0", PHPEEK_STATE_STARTING, PHPEEK_STATE_RUNNING);
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STOPPING);
  feed.Exited("web-0", -1, 15, 0, R"({"schema":1,"ended_by":"health_check"})");
  feed.State("web-0", PHPEEK_STATE_STOPPING, PHPEEK_STATE_FAILED);
  feed.Start("web-0", 102, PHPEEK_STATE_FAILED);
  EXPECT_EQ(c.Restarts("web")[kHealthCheck], 1u);
  EXPECT_EQ(c.Restarts("web")[kManual], 1u);
}

TEST(Collector, ExitsWithoutASpawnCountNothing) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("web-0", 100);
  feed.Start("web-1", 101);
  // API stop of web-0.
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STOPPING);
  feed.Exited("web-0", -1, 15);
  feed.State("web-0", PHPEEK_STATE_STOPPING, PHPEEK_STATE_STOPPED);
  // web-1 crashes, waits, is given up.
  feed.Exited("web-1", 1, 0);
  feed.State("web-1", PHPEEK_STATE_RUNNING, PHPEEK_STATE_BACKOFF);
  feed.State("web-1", PHPEEK_STATE_BACKOFF, PHPEEK_STATE_FAILED);
  EXPECT_EQ(c.Restarts("web"), (RestartCounts{0, 0, 0, 0}));
}

TEST(Collector, StartAfterStopOrGiveUpCountsManualLikeTheCoresRestartCount) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("web-0", 100);
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STOPPING);
  feed.Exited("web-0", -1, 15);
  feed.State("web-0", PHPEEK_STATE_STOPPING, PHPEEK_STATE_STOPPED);
  feed.Start("web-0", 200);  // API start: the core counts this spawn as a restart too
  feed.Exited("web-0", 1, 0);
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_BACKOFF);
  feed.State("web-0", PHPEEK_STATE_BACKOFF, PHPEEK_STATE_FAILED);
  feed.Start("web-0", 300, PHPEEK_STATE_FAILED);  // API start after giving up
  EXPECT_EQ(c.Restarts("web"), (RestartCounts{0, 0, 0, 2}));
}

TEST(Collector, ApiRestartPassingThroughStoppedCountsManual) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("web-0", 100);
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STOPPING);
  feed.Exited("web-0", 0, 0);
  feed.State("web-0", PHPEEK_STATE_STOPPING, PHPEEK_STATE_STOPPED);
  feed.Start("web-0", 101);
  EXPECT_EQ(c.Restarts("web"), (RestartCounts{0, 0, 0, 1}));
}

TEST(Collector, ExitReportedAfterTheStoppedStateIsStillIntentional) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("web-0", 100);
  feed.State("web-0", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STOPPED);
  feed.Exited("web-0", 0, 0);  // a host that reports the exit after the state change
  feed.Start("web-0", 101);
  EXPECT_EQ(c.Restarts("web"), (RestartCounts{0, 0, 0, 1}));
}

TEST(Collector, RetainForgetsRemovedInstances) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("w-0", 100);
  feed.Start("w-1", 101);
  // Scale down to 1: w-1 stops and leaves the snapshot; scale up later creates it afresh.
  feed.State("w-1", PHPEEK_STATE_RUNNING, PHPEEK_STATE_STOPPING);
  feed.Exited("w-1", -1, 15);
  feed.State("w-1", PHPEEK_STATE_STOPPING, PHPEEK_STATE_STOPPED);
  c.Retain({"w-0"});
  feed.Start("w-1", 102);
  EXPECT_EQ(c.Restarts("w"), (RestartCounts{0, 0, 0, 0}));
  // w-0 was kept: its crash still counts.
  feed.Exited("w-0", 2, 0);
  feed.Spawned("w-0", 103);
  EXPECT_EQ(c.Restarts("w")[kCrash], 1u);
}

TEST(Collector, CountsPerProcessAndSumsDropped) {
  Collector c;
  EventFeed feed(&c);
  feed.Start("a-0", 1);
  feed.Start("b-0", 2);
  feed.Exited("a-0", 1, 0, /*dropped=*/3);
  feed.Spawned("a-0", 3);
  feed.Exited("b-0", 0, 0, /*dropped=*/2);
  feed.Spawned("b-0", 4);
  EXPECT_EQ(c.Restarts("a")[kCrash], 1u);
  EXPECT_EQ(c.Restarts("b")[kNormalExit], 1u);
  EXPECT_EQ(c.Restarts("a")[kNormalExit], 0u);
  EXPECT_EQ(c.dropped_events(), 5u);
}

TEST(Collector, ReasonNamesMatchTheOriginalLabels) {
  EXPECT_STREQ(RestartReasonName(kCrash), "crash");
  EXPECT_STREQ(RestartReasonName(kNormalExit), "normal_exit");
  EXPECT_STREQ(RestartReasonName(kHealthCheck), "health_check");
  EXPECT_STREQ(RestartReasonName(kManual), "manual");
}

}  // namespace
}  // namespace phpeek::metrics
