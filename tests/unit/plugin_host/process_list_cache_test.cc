// ProcessListCache: the process list JSON is written once per snapshot generation, anew after
// every publish, always anew for a Control without generations, and consistently under threads.
#include "core/plugin_host/process_list_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/plugin_host/process_json.h"
#include "tests/unit/plugin_host/fake_control.h"

namespace phpeek::plugin_host {
namespace {

// "web" with its first instance at `pid`.
std::vector<ProcessStatus> WebWithPid(int pid) {
  ProcessStatus p = testing::WebProcess();
  p.instances[0].pid = pid;
  return {p};
}

TEST(ProcessListCache, WritesOncePerGeneration) {
  testing::FakeControl control;
  control.SetProcesses(WebWithPid(100));
  ProcessListCache cache;
  const auto a = cache.Get(control);
  const auto b = cache.Get(control);
  EXPECT_EQ(*a, ProcessListJson(WebWithPid(100)));
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(control.snapshot_calls(), 1);
  // A publish, even of equal content, is a new generation: written again, and it shows.
  control.SetProcesses(WebWithPid(200));
  const auto c = cache.Get(control);
  EXPECT_EQ(*c, ProcessListJson(WebWithPid(200)));
  EXPECT_EQ(control.snapshot_calls(), 2);
  EXPECT_EQ(*a, ProcessListJson(WebWithPid(100)));  // handed-out text stays valid
}

TEST(ProcessListCache, ControlWithoutGenerationsIsWrittenEveryTime) {
  testing::FakeControl control;
  control.SetProcesses(WebWithPid(100));
  control.StopTrackingGenerations();
  ProcessListCache cache;
  EXPECT_EQ(*cache.Get(control), ProcessListJson(WebWithPid(100)));
  EXPECT_EQ(*cache.Get(control), ProcessListJson(WebWithPid(100)));
  EXPECT_EQ(control.snapshot_calls(), 2);
}

// Readers on several threads while snapshots are published: every text is one of the published
// snapshots, never a torn or stale-after-the-end one, and the last publish is what they end on.
TEST(ProcessListCache, ConcurrentReadersSeePublishedSnapshots) {
  constexpr int kReaders = 6;
  constexpr int kPublishes = 300;
  testing::FakeControl control;
  control.SetProcesses(WebWithPid(1000));
  std::set<std::string> valid;
  for (int pid = 1000; pid <= 1000 + kPublishes; ++pid) {
    valid.insert(ProcessListJson(WebWithPid(pid)));
  }
  ProcessListCache cache;
  std::atomic<bool> done{false};
  std::atomic<int> invalid{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        if (valid.count(*cache.Get(control)) == 0) invalid.fetch_add(1);
      }
    });
  }
  for (int pid = 1001; pid <= 1000 + kPublishes; ++pid) {
    control.SetProcesses(WebWithPid(pid));
    std::this_thread::yield();
  }
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(invalid.load(), 0);
  EXPECT_EQ(*cache.Get(control), ProcessListJson(WebWithPid(1000 + kPublishes)));
  EXPECT_LT(control.snapshot_calls(), kReaders * (kPublishes + 1) + 1);
}

}  // namespace
}  // namespace phpeek::plugin_host
