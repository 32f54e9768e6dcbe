// Followers: a backlog then every later record, with no gap and no duplicate; a bounded queue
// that drops and counts instead of holding up the writer; concurrent readers while the writer
// appends (run under ASan/UBSan and TSan as well).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/process_logs/history.h"
#include "tests/unit/process_logs/history_test_util.h"

namespace phpeek::process_logs {
namespace {

using namespace std::chrono_literals;

TEST(FollowerTest, BacklogThenLiveWithoutGapOrDuplicate) {
  LogHistory h;
  const auto a = h.Register("web", "web-0");
  const auto b = h.Register("worker", "worker-0");
  for (int i = 1; i <= 5; ++i) h.Append(a, Line("old" + std::to_string(i)));
  auto start = h.Follow(Query("web", "", 3, 100));
  ASSERT_EQ(start.backlog.records.size(), 2u);  // seq 4 and 5: resumed after Last-Event-ID 3
  EXPECT_EQ(start.backlog.records[0].seq, 4u);
  h.Append(b, Line("other process"));
  h.Append(a, Line("new"));
  FollowQueue::Batch batch = start.live.Wait(0ms);
  ASSERT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.records[0].message, "new");
  EXPECT_EQ(batch.records[0].seq, 7u);
  EXPECT_EQ(batch.records[0].instance, "web-0");
  EXPECT_EQ(batch.dropped, 0u);
  EXPECT_FALSE(batch.closed);
  EXPECT_TRUE(start.live.Wait(1ms).records.empty());  // times out empty
}

TEST(FollowerTest, InstanceFilterAndLabels) {
  LogHistory h;
  const auto a = h.Register("web", "web-0");
  const auto b = h.Register("web", "web-1");
  auto start = h.Follow(Query("", "web-1", std::nullopt, 0));
  auto labels = std::make_shared<const FieldList>(FieldList{{"tier", "frontend", false}});
  Entry e = Line("for web-1");
  e.labels = labels;
  h.Append(a, Line("for web-0"));
  h.Append(b, e);
  const auto batch = start.live.Take();
  ASSERT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.records[0].message, "for web-1");
  ASSERT_EQ(batch.records[0].fields.size(), 1u);
  EXPECT_EQ(batch.records[0].fields[0].value, "frontend");
}

TEST(FollowerTest, FullQueueDropsAndCountsAndCarriesOn) {
  LogHistory h;
  const auto a = h.Register("web", "web-0");
  auto start = h.Follow(Query("", "", std::nullopt, 0), FollowLimits{5, 1 << 20});
  for (int i = 0; i < 8; ++i) h.Append(a, Line(std::to_string(i)));  // never blocks
  FollowQueue::Batch batch = start.live.Wait(0ms);
  ASSERT_EQ(batch.records.size(), 5u);  // the first five; the overflow is at the end
  EXPECT_EQ(batch.records.back().message, "4");
  EXPECT_EQ(batch.dropped, 3u);
  EXPECT_EQ(start.live.dropped_total(), 3u);
  h.Append(a, Line("after"));
  batch = start.live.Take();
  ASSERT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.dropped, 0u);
  // The byte bound works the same way.
  auto small = h.Follow(Query("", "", std::nullopt, 0), FollowLimits{1000, 600});
  h.Append(a, Line(std::string(400, 'x')));
  h.Append(a, Line(std::string(400, 'y')));
  batch = small.live.Take();
  EXPECT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.dropped, 1u);
}

TEST(FollowerTest, ClosingEndsDeliveryAndTheHistoryClosesFollowersWhenItGoes) {
  auto h = std::make_unique<LogHistory>();
  const auto a = h->Register("web", "web-0");
  {
    auto gone = h->Follow(Query("", "", std::nullopt, 0));
  }  // destroyed: the next append prunes it
  h->Append(a, Line("x"));
  auto start = h->Follow(Query("", "", std::nullopt, 0));
  std::thread waiter([&] {
    FollowQueue::Batch batch = start.live.Wait(60s);  // woken by the close, not the timeout
    EXPECT_TRUE(batch.closed);
  });
  h.reset();
  waiter.join();
}

// Assigning a new subscription to a Follower ends the one it held: the history stops feeding
// (and holding) the replaced queue instead of keeping it until the history goes.
TEST(FollowerTest, ReassignedFollowerUnsubscribesTheOldOne) {
  LogHistory h;
  const auto a = h.Register("web", "web-0");
  auto start = h.Follow(Query("", "", std::nullopt, 0));
  EXPECT_EQ(h.stats().followers, 1u);
  start.live = h.Follow(Query("web", "", std::nullopt, 0)).live;
  h.Append(a, Line("x"));
  EXPECT_EQ(h.stats().followers, 1u);
  ASSERT_EQ(start.live.Take().records.size(), 1u);  // the new one still works
  start.live.Close();
  h.Append(a, Line("y"));
  EXPECT_EQ(h.stats().followers, 0u);
}

// The writer appends while readers page and followers drain: every page is in seq order, every
// follower sees every record in order (its queue is large enough here), and stats stay sane.
TEST(FollowerTest, ConcurrentReadersWhileTheLoopWrites) {
  constexpr int kLines = 20000;
  LogHistory h({200, 1 << 20, 256 * 1024});
  std::vector<LogHistory::Handle> handles;
  for (int i = 0; i < 4; ++i) {
    handles.push_back(h.Register("p" + std::to_string(i % 2), "i-" + std::to_string(i)));
  }
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  std::atomic<int> bad_pages{0};
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      while (!done.load()) {
        HistoryQuery q = Query(t == 0 ? "" : "p1", t == 2 ? "i-3" : "", std::nullopt, 150);
        if (t == 1) q.since = h.stats().lines;  // some forward pages too
        const HistoryPage page = h.Read(q);
        for (size_t k = 1; k < page.records.size(); ++k) {
          if (page.records[k].seq <= page.records[k - 1].seq) ++bad_pages;
        }
        if (h.stats().memory_bytes > 256 * 1024) ++bad_pages;
      }
    });
  }
  // Followers subscribe before the first line, then drain on threads of their own.
  std::vector<Follower> live;
  live.push_back(h.Follow(Query("", "", std::nullopt, 0), FollowLimits{kLines, 64 << 20}).live);
  live.push_back(h.Follow(Query("p0", "", std::nullopt, 0), FollowLimits{kLines, 64 << 20}).live);
  std::vector<uint64_t> seen(2);
  std::vector<std::thread> followers;
  for (int f = 0; f < 2; ++f) {
    followers.emplace_back([&, f] {
      uint64_t last = 0;
      const uint64_t expected = f == 0 ? kLines : kLines / 2;
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (seen[f] < expected && std::chrono::steady_clock::now() < deadline) {
        const FollowQueue::Batch batch = live[f].Wait(100ms);
        EXPECT_EQ(batch.dropped, 0u);
        for (const auto& r : batch.records) {
          EXPECT_GT(r.seq, last);
          last = r.seq;
          ++seen[f];
        }
      }
    });
  }
  for (int i = 0; i < kLines; ++i) {
    h.Append(handles[i % 4], Line("line " + std::to_string(i)));
  }
  for (auto& t : followers) t.join();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad_pages.load(), 0);
  EXPECT_EQ(seen[0], static_cast<uint64_t>(kLines));
  EXPECT_EQ(seen[1], static_cast<uint64_t>(kLines / 2));
  EXPECT_EQ(h.stats().lines, 800u);
}

// Closing a follower (its reader let go) is counted at once, not at the next append; the end of
// the run closes every follower after what it has queued, and a later follow gets only its
// backlog.
TEST(FollowerTest, OpenFollowersAreCountedAndTheEndOfTheRunClosesThem) {
  LogHistory h;
  const auto a = h.Register("web", "web-0");
  auto one = h.Follow(Query("", "", std::nullopt, 0));
  auto two = h.Follow(Query("web", "", std::nullopt, 0));
  EXPECT_EQ(h.stats().followers, 2u);
  one.live.Close();
  EXPECT_EQ(h.stats().followers, 1u);
  h.Append(a, Line("last"));
  h.CloseFollowers();
  EXPECT_EQ(h.stats().followers, 0u);
  FollowQueue::Batch batch = two.live.Wait(60s);  // at once: closed
  ASSERT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.records[0].message, "last");
  EXPECT_TRUE(batch.closed);
  auto late = h.Follow(Query("", "", std::nullopt, 10));
  EXPECT_EQ(late.backlog.records.size(), 1u);
  EXPECT_TRUE(late.live.Wait(60s).closed);
  EXPECT_EQ(h.stats().followers, 0u);
}

// A batch is bounded in bytes (at least one record): the rest waits for the next take, and
// `closed` comes with the last of it.
TEST(FollowerTest, BatchesAreBoundedAndClosedComesLast) {
  LogHistory h;
  const auto a = h.Register("web", "web-0");
  auto start = h.Follow(Query("", "", std::nullopt, 0));
  const std::string big(1000, 'b');
  for (int i = 0; i < 5; ++i) h.Append(a, Line(big));
  h.CloseFollowers();
  const size_t one = RecordBytes(start.live.Take(1).records.at(0));
  FollowQueue::Batch batch = start.live.Take(2 * one);
  EXPECT_EQ(batch.records.size(), 2u);
  EXPECT_FALSE(batch.closed);
  batch = start.live.Take(one / 2);  // below one record: still one
  EXPECT_EQ(batch.records.size(), 1u);
  EXPECT_FALSE(batch.closed);
  batch = start.live.Wait(60s, 100 * one);
  EXPECT_EQ(batch.records.size(), 1u);
  EXPECT_TRUE(batch.closed);
}

}  // namespace
}  // namespace phpeek::process_logs
