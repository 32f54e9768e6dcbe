// Process control through the API against real children: scale up and down, stop, start,
// restart (rolling for scale > 1), and a kill -9 that the supervisor repairs.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>

#include "tests/integration/rest_api/api_daemon.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::WaitUntil;

const char kWorker[] =
    "  worker:\n    command: [\"sleep\", \"600\"]\n    scale: 2\n    max_scale: 6\n";

int InstancesIn(const Poco::JSON::Object::Ptr& p, const std::string& state) {
  int n = 0;
  auto instances = p->getArray("instances");
  for (size_t i = 0; i < instances->size(); ++i) {
    n += instances->getObject(static_cast<unsigned>(i))->getValue<std::string>("state") == state;
  }
  return n;
}

TEST(RestApiControl, ScaleUpThenDown) {
  ApiDaemon d("", kWorker);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return RunningPids(d.Process("worker")).size() == 2; }));
  Reply r = d.Call("POST", "/api/v1/processes/worker/scale", R"({"scale": 5})",
                   {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"scale initiated","process":"worker","scale":5})");
  EXPECT_TRUE(WaitUntil([&] { return RunningPids(d.Process("worker")).size() == 5; }))
      << d.Call("GET", "/api/v1/processes/worker").body;
  EXPECT_EQ(d.Process("worker")->getValue<int>("scale"), 5);

  r = d.Call("POST", "/api/v1/processes/worker/scale", R"({"delta": -3})");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(ParseObject(r.body)->getValue<int>("scale"), 2);
  EXPECT_TRUE(WaitUntil([&] { return RunningPids(d.Process("worker")).size() == 2; }));
  r = d.Call("POST", "/api/v1/processes/worker/scale", R"({"desired": 0})");
  EXPECT_EQ(r.status, 202);
  EXPECT_TRUE(WaitUntil([&] { return RunningPids(d.Process("worker")).empty(); }));

  // Past the process's own max_scale (6): the core refuses, the API says 400 and which limit.
  r = d.Call("POST", "/api/v1/processes/worker/scale", R"({"scale": 7})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.body, R"({"error":"invalid request body","detail":"scale 7 exceeds max_scale 6 of )"
                    R"(process 'worker'"})");
  // Past max_process_scale (100), checked by the API itself.
  r = d.Call("POST", "/api/v1/processes/worker/scale", R"({"scale": 101})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.body, R"({"error":"invalid request body","detail":"scale 101 exceeds )"
                    R"(max_process_scale 100"})");
  EXPECT_EQ(d.Process("worker")->getValue<int>("scale"), 0);
}

TEST(RestApiControl, StopStartAndRollingRestart) {
  ApiDaemon d("", kWorker);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return RunningPids(d.Process("worker")).size() == 2; }));
  std::vector<int> before = RunningPids(d.Process("worker"));

  Reply r = d.Call("POST", "/api/v1/processes/worker/restart");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"restart initiated","process":"worker"})");
  EXPECT_TRUE(WaitUntil([&] {
    const auto p = d.Process("worker");
    const auto now = RunningPids(p);
    if (now.size() != 2) return false;
    return std::none_of(now.begin(), now.end(), [&](int pid) {
      return std::find(before.begin(), before.end(), pid) != before.end();
    });
  })) << d.Call("GET", "/api/v1/processes/worker").body;
  for (int pid : before)
    EXPECT_TRUE(WaitUntil([&] { return !phpeek::testing::ProcessExists(pid); }));

  r = d.Call("POST", "/api/v1/processes/worker/stop");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"stop initiated","process":"worker"})");
  EXPECT_TRUE(WaitUntil([&] {
    const auto p = d.Process("worker");
    return p->getValue<std::string>("state") == "stopped" && RunningPids(p).empty();
  })) << d.Call("GET", "/api/v1/processes/worker").body;

  r = d.Call("POST", "/api/v1/processes/worker/start");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"start initiated","process":"worker"})");
  EXPECT_TRUE(WaitUntil([&] {
    const auto p = d.Process("worker");
    return p->getValue<std::string>("state") == "running" && InstancesIn(p, "running") == 2;
  })) << d.Call("GET", "/api/v1/processes/worker").body;
}

TEST(RestApiControl, KilledInstanceIsRestartedAndCounted) {
  ApiDaemon d("", kWorker);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return RunningPids(d.Process("worker")).size() == 2; }));
  auto first = d.Process("worker")->getArray("instances")->getObject(0);
  const int victim = first->getValue<int>("pid");
  EXPECT_EQ(first->getValue<int>("restart_count"), 0);
  // The list is kept per snapshot (core) and per snapshot text (plugin): read it before the kill,
  // so that a stale copy would show after it.
  ASSERT_EQ(d.Call("GET", "/api/v1/processes").status, 200);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  EXPECT_TRUE(WaitUntil([&] {
    auto inst = d.Process("worker")->getArray("instances")->getObject(0);
    return inst->getValue<std::string>("state") == "running" &&
           inst->getValue<int>("pid") != victim && inst->getValue<int>("restart_count") == 1;
  })) << d.Call("GET", "/api/v1/processes/worker").body;
  auto other = d.Process("worker")->getArray("instances")->getObject(1);
  EXPECT_EQ(other->getValue<int>("restart_count"), 0);
  // The list reads the same published snapshot, at least as new as the answer above.
  const Reply list = d.Call("GET", "/api/v1/processes");
  ASSERT_EQ(list.status, 200);
  auto listed = ParseObject(list.body)->getArray("processes")->getObject(0);
  ASSERT_EQ(listed->getValue<std::string>("name"), "worker") << list.body;
  auto inst = listed->getArray("instances")->getObject(0);
  EXPECT_NE(inst->getValue<int>("pid"), victim) << list.body;
  EXPECT_EQ(inst->getValue<int>("restart_count"), 1) << list.body;
}

}  // namespace
}  // namespace phpeek::rest::itest
