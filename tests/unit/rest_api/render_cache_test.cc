// RenderCache: identical input reuses the body, a changed input renders anew, failures are not
// remembered, and concurrent callers always get the body of their own input.
#include "plugins/rest-api/render_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "plugins/rest-api/process_view.h"

namespace phpeek::rest {
namespace {

std::atomic<int> g_renders{0};

// The real list rendering, counted.
bool CountedRender(std::string_view in, std::string* out, std::string* err) {
  g_renders.fetch_add(1);
  return RenderProcessList(in, out, err);
}

std::string Snapshot(int pid) {
  return R"({"schema":1,"processes":[{"name":"web","state":"running","scale":1,"instances":[)"
         R"({"id":"web-0","state":"running","pid":)" +
         std::to_string(pid) + R"(,"started_at":1700000000,"restart_count":0}]}]})";
}

std::string Rendered(int pid) {
  return R"({"processes":[{"name":"web","state":"running","scale":1,"instances":[)"
         R"({"id":"web-0","state":"running","pid":)" +
         std::to_string(pid) + R"(,"started_at":1700000000,"restart_count":0}]}]})";
}

class RenderCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { g_renders = 0; }
  RenderCache cache_{&CountedRender};
  std::string err_;
};

TEST_F(RenderCacheTest, IdenticalInputReusesTheBody) {
  std::shared_ptr<const std::string> a;
  std::shared_ptr<const std::string> b;
  ASSERT_TRUE(cache_.Render(Snapshot(10), &a, &err_)) << err_;
  ASSERT_TRUE(cache_.Render(Snapshot(10), &b, &err_)) << err_;
  EXPECT_EQ(*a, Rendered(10));
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(g_renders.load(), 1);
}

TEST_F(RenderCacheTest, ChangedInputRendersAgain) {
  std::shared_ptr<const std::string> a;
  std::shared_ptr<const std::string> b;
  std::shared_ptr<const std::string> c;
  ASSERT_TRUE(cache_.Render(Snapshot(10), &a, &err_)) << err_;
  ASSERT_TRUE(cache_.Render(Snapshot(11), &b, &err_)) << err_;
  EXPECT_EQ(*b, Rendered(11));
  EXPECT_EQ(g_renders.load(), 2);
  // Only the last input is remembered: going back renders again. The body handed out before
  // stays valid after the cache has moved on.
  ASSERT_TRUE(cache_.Render(Snapshot(10), &c, &err_)) << err_;
  EXPECT_EQ(g_renders.load(), 3);
  EXPECT_EQ(*a, Rendered(10));
  EXPECT_EQ(*c, Rendered(10));
  EXPECT_NE(a.get(), c.get());
}

TEST_F(RenderCacheTest, FailuresAreReportedAndNotRemembered) {
  std::shared_ptr<const std::string> good;
  std::shared_ptr<const std::string> bad;
  ASSERT_TRUE(cache_.Render(Snapshot(10), &good, &err_)) << err_;
  EXPECT_FALSE(cache_.Render("{\"schema\":1", &bad, &err_));
  EXPECT_NE(err_.find("unreadable snapshot"), std::string::npos) << err_;
  EXPECT_EQ(bad, nullptr);
  EXPECT_FALSE(cache_.Render("{\"schema\":1", &bad, &err_));
  EXPECT_EQ(g_renders.load(), 3);  // the bad input was tried twice, not remembered
  // The last good rendering is still the remembered one.
  std::shared_ptr<const std::string> again;
  ASSERT_TRUE(cache_.Render(Snapshot(10), &again, &err_)) << err_;
  EXPECT_EQ(again.get(), good.get());
  EXPECT_EQ(g_renders.load(), 3);
}

// Threads hammer the cache with two alternating inputs (the worst case: the remembered entry is
// replaced all the time); every answer must be the rendering of the caller's own input.
TEST_F(RenderCacheTest, ConcurrentCallersGetTheirOwnInputsBody) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 2000;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string inputs[2] = {Snapshot(1), Snapshot(2)};
      const std::string expected[2] = {Rendered(1), Rendered(2)};
      std::string err;
      for (int i = 0; i < kRounds; ++i) {
        const int k = (i + t) % 2;
        std::shared_ptr<const std::string> body;
        if (!cache_.Render(inputs[k], &body, &err) || *body != expected[k]) wrong.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  // Steady input from many threads renders (almost) never: at most once per racing thread.
  g_renders = 0;
  threads.clear();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      const std::string input = Snapshot(3);
      const std::string expected = Rendered(3);
      std::string err;
      for (int i = 0; i < kRounds; ++i) {
        std::shared_ptr<const std::string> body;
        if (!cache_.Render(input, &body, &err) || *body != expected) wrong.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(g_renders.load(), 1);
  EXPECT_LE(g_renders.load(), kThreads);
}

}  // namespace
}  // namespace phpeek::rest
