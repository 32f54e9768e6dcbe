// ReadinessNotifier against a fake systemd socket: READY=1 only once every process that starts at
// boot has started (with a real Supervisor and real children), STOPPING=1 on shutdown, WATCHDOG=1
// at the requested interval and never without one, nothing at all outside systemd.
#include "core/systemd/readiness_notifier.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
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

TEST(ReadinessNotifierTest, WatchdogPingsAtHalfTheIntervalUntilEnd) {
  FakeSystemd systemd;
  config::Config c;
  ReadinessNotifier readiness(c, NotifierFor(systemd.path(), "200000"));  // 200 ms: ping 100 ms
  readiness.Begin();
  EXPECT_EQ(systemd.Receive(), "READY=1\nSTATUS=0 process(es) started");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");
  EXPECT_EQ(systemd.Receive(), "WATCHDOG=1");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  readiness.End();
  EXPECT_EQ(systemd.Receive(), "STOPPING=1");
  EXPECT_EQ(systemd.Receive(300), "");  // the watchdog thread is gone
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
