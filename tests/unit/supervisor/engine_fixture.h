// The engine driven turn by turn on a fake clock and fake processes (fake_os.h): what the engine
// tests share (engine_test.cc, engine_hooks_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/supervisor/engine.h"
#include "tests/unit/supervisor/fake_os.h"

namespace phpeek::supervisor {

using std::chrono::milliseconds;
using testing::FakeClock;
using testing::FakeProcesses;

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    config.global.restart_backoff_initial = milliseconds(100);
    config.global.restart_backoff_max = milliseconds(250);
    config.global.max_restart_attempts = 4;
    config.global.shutdown_timeout = milliseconds(1000);
  }

  void Start() {
    engine = std::make_unique<Engine>(
        config, EngineIo{&os, &os, &clock, &inbox, &bus, &snapshots, &stopping, {}, {}, nullptr});
    std::string err;
    ASSERT_TRUE(engine->Start(&err)) << err;
    Settle();
  }
  // Turns until nothing is left to do now (no wait: the fake clock does not move by itself).
  void Settle() {
    for (int i = 0; i < 8 && !finished; ++i) finished = !engine->Step(false);
  }
  void Advance(int ms) {
    clock.Advance(milliseconds(ms));
    Settle();
  }
  void Command(ControlOp op, const std::string& process, int arg = 0) {
    supervisor::Command c;
    c.op = op;
    c.process = process;
    c.arg = arg;
    inbox.Push(c);
    Settle();
  }
  void Shutdown() {
    supervisor::Command c;
    c.shutdown = true;
    inbox.Push(c);
    Settle();
  }
  InstanceStatus Instance(const std::string& process, size_t index = 0) {
    return snapshots.GetOne(process)->instances.at(index);
  }
  std::string State(const std::string& process) { return snapshots.GetOne(process)->state; }
  pid_t Pid(const std::string& process, size_t index = 0) { return Instance(process, index).pid; }

  config::Config config;
  FakeClock clock;
  FakeProcesses os;
  CommandInbox inbox;
  EventBus bus;
  SnapshotStore snapshots;
  std::atomic<bool> stopping{false};
  std::unique_ptr<Engine> engine;
  bool finished = false;
};

}  // namespace phpeek::supervisor
