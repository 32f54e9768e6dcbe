// ReadinessNotifier against a fake systemd socket: READY=1 only once every process that starts at
// boot has started (with a real Supervisor and real children), STOPPING=1 on shutdown, WATCHDOG=1
// from the supervisor loop at the requested interval (and none while the loop is wedged), nothing
// at all outside systemd.
#include "core/systemd/readiness_notifier.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/supervisor/supervisor.h"
#include "tests/support/fake_notify_socket.h"
#include "tests/support/process_spec.h"
#include "tests/support/test_support.h"

namespace phpeek::systemd {
namespace {

using FakeSystemd = testing::FakeNotifySocket;

// A Notifier built from the given environment, which is removed again afterwards.
Notifier NotifierFor(const std::string& socket, const char* watchdog_usec = nullptr) {
  setenv("NOTIFY_SOCKET", socket.c_str(), 1);
  if (watchdog_usec) setenv("WATCHDOG_USEC", watchdog_usec, 1);
  Notifier n;
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  return n;
}

using phpeek::testing::Proc;

Event StateEvent(const std::string& process, const std::string& instance, const std::string& to) {
  Event e;
  e.type = EventType::kStateChanged;
  e.process = process;
  e.instance = instance;
  e.new_state = to;
  return e;
}

// global.readiness.enabled: the processes running is not enough, the daemon's readiness decides.
TEST(ReadinessNotifierTest, WithReadinessEnabledReadyWaitsForIt) {
  FakeSystemd systemd;
  config::Config c;
  c.processes.push_back(Proc("web", {"sleep", "60"}));
  c.global.readiness.enabled = true;
  ReadinessNotifier readiness(c, NotifierFor(systemd.path()));
  readiness.Begin();
  readiness.OnEvent(StateEvent("web", "web-0", "running"));
  readiness.OnEvent(StateEvent("web", "", "running"));
  EXPECT_FALSE(readiness.ready_sent());
  EXPECT_EQ(systemd.Receive(1), "");
  Event not_ready;
  not_ready.type = EventType::kReadinessChanged;
  not_ready.new_state = "not ready";
  readiness.OnEvent(not_ready);
  EXPECT_FALSE(readiness.ready_sent());
  Event ready = not_ready;
  ready.new_state = "ready";
  readiness.OnEvent(ready);
  EXPECT_TRUE(readiness.ready_sent());
  EXPECT_EQ(systemd.Receive(), "READY=1\nSTATUS=1 process(es) started; ready");
  readiness.OnEvent(not_ready);  // READY=1 is said once
  readiness.OnEvent(ready);
  EXPECT_EQ(systemd.Receive(1), "");
}

TEST(ReadinessNotifierTest, ReadyAfterEveryProcessRunsThenStoppingOnShutdown) {
  FakeSystemd systemd;
  config::Config c;
  c.processes.push_back(Proc("setup", {"true"}));
  c.processes.back().type = config::ProcessType::kOneshot;
  c.processes.push_back(Proc("web", {"sleep", "60"}, 2));
  c.processes.back().depends_on = {"setup"};
  c.processes.push_back(Proc("later", {"sleep", "60"}));
  c.processes.back().initial_state = config::InitialState::kStopped;  // not awaited
  ReadinessNotifier readiness(c, NotifierFor(systemd.path()));
  Supervisor sup(c);
  sup.AddListener(&readiness);
  readiness.Begin();
  std::thread loop([&] { sup.Run(); });
  EXPECT_EQ(systemd.Receive(), "READY=1\nSTATUS=2 process(es) started");
  // The snapshot is swapped in right after the events it was built from.
  EXPECT_TRUE(testing::WaitUntil([&] { return sup.SnapshotOf("web")->state == "running"; }));
  EXPECT_EQ(sup.SnapshotOf("setup")->state, "completed");
  sup.RequestShutdown();
  EXPECT_EQ(systemd.Receive(), "STOPPING=1");
  loop.join();
  readiness.End();
  EXPECT_EQ(systemd.Receive(200), "");  // STOPPING=1 only once
}

TEST(ReadinessNotifierTest, GivenUpInstancesCountAsStartedAndAreReported) {
  FakeSystemd systemd;
  config::Config c;
  c.processes.push_back(Proc("pool", {"sleep", "60"}, 2));
  ReadinessNotifier readiness(c, NotifierFor(systemd.path()));
  readiness.Begin();
  readiness.OnEvent(StateEvent("pool", "pool-0", "running"));
  readiness.OnEvent(StateEvent("pool", "", "degraded"));
  EXPECT_FALSE(readiness.ready_sent());
  readiness.OnEvent(StateEvent("pool", "pool-1", "failed"));
  EXPECT_TRUE(readiness.ready_sent());
  EXPECT_EQ(systemd.Receive(), "READY=1\nSTATUS=1 process(es) started, 1 instance(s) failed");
}

TEST(ReadinessNotifierTest, ReadyAtOnceWhenNothingStartsAtBoot) {
  FakeSystemd systemd;
  config::Config c;
  c.processes.push_back(Proc("off", {"sleep", "60"}));
  c.processes.back().enabled = false;
  c.processes.push_back(Proc("cron", {"true"}));
  c.processes.back().schedule = "* * * * *";
  ReadinessNotifier readiness(c, NotifierFor(systemd.path()));
  readiness.Begin();
  EXPECT_EQ(systemd.Receive(), "READY=1\nSTATUS=0 process(es) started");
}

TEST(ReadinessNotifierTest, WatchdogIntervalIsHalfOfWatchdogSecAndNoThreadPings) {
  FakeSystemd systemd;
  config::Config c;
  ReadinessNotifier readiness(c, NotifierFor(systemd.path(), "200000"));  // 200 ms: ping 100 ms
  EXPECT_EQ(readiness.watchdog_interval(), std::chrono::milliseconds(100));
  readiness.Begin();
  EXPECT_EQ(systemd.Receive(), "READY=1\nSTATUS=0 process(es) started");
  EXPECT_EQ(systemd.Receive(300), "");  // pings come only from whoever calls PingWatchdog
  readiness.PingWatchdog();
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");
  readiness.End();
  EXPECT_EQ(systemd.Receive(), "STOPPING=1");
  ReadinessNotifier without(c, NotifierFor(systemd.path()));
  EXPECT_EQ(without.watchdog_interval(), std::chrono::milliseconds(0));
}

// Blocks the supervisor loop thread (listeners run on it) from the first spawn of `process` until
// released: a wedged loop, as a bug in the loop would make it.
class Wedge : public EventListener {
 public:
  explicit Wedge(std::string process) : process_(std::move(process)) {}
  void OnEvent(const Event& e) override {
    if (e.type != EventType::kSpawned || e.process != process_) return;
    std::unique_lock<std::mutex> lock(mu_);
    wedged_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
  }
  bool WaitWedged() {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [this] { return wedged_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  const std::string process_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool wedged_ = false, released_ = false;
};

TEST(ReadinessNotifierTest, WatchdogPingsComeFromTheLoopAndStopWhileItIsWedged) {
  FakeSystemd systemd;
  config::Config c;
  c.processes.push_back(Proc("web", {"sleep", "60"}));
  c.processes.push_back(Proc("wedge", {"sleep", "60"}));
  c.processes.back().initial_state = config::InitialState::kStopped;
  ReadinessNotifier readiness(c, NotifierFor(systemd.path(), "100000"));  // ping every 50 ms
  Supervisor sup(c);
  sup.AddListener(&readiness);
  Wedge wedge("wedge");
  sup.AddListener(&wedge);
  sup.AddTicker(readiness.watchdog_interval(), [&] { readiness.PingWatchdog(); });
  readiness.Begin();
  std::thread loop([&] { sup.Run(); });
  EXPECT_EQ(systemd.Receive(), "READY=1\nSTATUS=1 process(es) started");
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");
  ASSERT_EQ(sup.Submit(ControlOp::kStart, "wedge", 0), ControlResult::kAccepted);
  ASSERT_TRUE(wedge.WaitWedged());
  while (!systemd.Receive(1).empty()) {
  }                                     // pings sent before the loop wedged
  EXPECT_EQ(systemd.Receive(500), "");  // ten intervals: systemd would now restart the service
  wedge.Release();
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");  // the loop turns again
  sup.RequestShutdown();
  loop.join();
  readiness.End();
}

TEST(ReadinessNotifierTest, SilentOutsideSystemdAndClearsTheVariablesForChildren) {
  unsetenv("NOTIFY_SOCKET");
  setenv("WATCHDOG_USEC", "100000", 1);
  config::Config c;
  ReadinessNotifier readiness(c);
  EXPECT_EQ(std::getenv("WATCHDOG_USEC"), nullptr);
  readiness.Begin();
  readiness.OnEvent(StateEvent("x", "", "running"));
  EXPECT_FALSE(readiness.ready_sent());
  readiness.End();
}

}  // namespace
}  // namespace phpeek::systemd

int main(int argc, char** argv) {
  // Before any thread: SIGCHLD must reach the supervisor loop's signalfd only.
  phpeek::Supervisor::BlockSignals();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
