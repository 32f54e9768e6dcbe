// The log history: pages by process, instance, since and limit; rings kept across restarts; the
// per-instance and total bounds; memory accounting.
#include "core/process_logs/history.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tests/unit/process_logs/history_test_util.h"

namespace phpeek::process_logs {
namespace {

std::string Messages(const HistoryPage& page) {
  std::string out;
  for (const auto& r : page.records) out += (out.empty() ? "" : ",") + r.message;
  return out;
}

TEST(HistoryTest, PagesOldestFirstAcrossInstances) {
  LogHistory h;
  const auto web0 = h.Register("web", "web-0");
  const auto web1 = h.Register("web", "web-1");
  const auto worker = h.Register("worker", "worker-0");
  EXPECT_EQ(h.Append(web0, Line("a")), 1u);
  EXPECT_EQ(h.Append(worker, Line("b")), 2u);
  EXPECT_EQ(h.Append(web1, Line("c")), 3u);
  EXPECT_EQ(h.Append(web0, Line("d")), 4u);
  EXPECT_EQ(h.Append(worker, Line("e")), 5u);

  HistoryPage all = h.Read(Query("", "", std::nullopt, 100));
  EXPECT_EQ(Messages(all), "a,b,c,d,e");
  EXPECT_FALSE(all.more);
  EXPECT_EQ(all.newest_seq, 5u);
  EXPECT_EQ(all.records[1].process, "worker");
  EXPECT_EQ(all.records[1].instance, "worker-0");
  EXPECT_EQ(all.records[1].seq, 2u);

  EXPECT_EQ(Messages(h.Read(Query("web", "", std::nullopt, 100))), "a,c,d");
  EXPECT_EQ(Messages(h.Read(Query("web", "web-0", std::nullopt, 100))), "a,d");
  EXPECT_EQ(Messages(h.Read(Query("", "web-1", std::nullopt, 100))), "c");
  EXPECT_EQ(Messages(h.Read(Query("worker", "web-1", std::nullopt, 100))), "");  // not its instance
  EXPECT_EQ(Messages(h.Read(Query("nope", "", std::nullopt, 100))), "");

  // Without since: the newest `limit`, oldest first. With since: the oldest `limit` after it.
  HistoryPage tail = h.Read(Query("", "", std::nullopt, 2));
  EXPECT_EQ(Messages(tail), "d,e");
  EXPECT_TRUE(tail.more);
  HistoryPage after = h.Read(Query("", "", 1, 2));
  EXPECT_EQ(Messages(after), "b,c");
  EXPECT_TRUE(after.more);
  EXPECT_EQ(Messages(h.Read(Query("", "", 3, 100))), "d,e");
  HistoryPage beyond = h.Read(Query("", "", 99, 100));
  EXPECT_TRUE(beyond.records.empty());
  EXPECT_FALSE(beyond.more);
  EXPECT_EQ(beyond.newest_seq, 5u);
  HistoryPage none = h.Read(Query("", "", std::nullopt, 0));
  EXPECT_TRUE(none.records.empty());
  EXPECT_TRUE(none.more);
}

TEST(HistoryTest, KeptAcrossRestartsOfTheInstance) {
  LogHistory h;
  const auto first = h.Register("web", "web-0");
  h.Append(first, Line("PHP Fatal error: before the crash", Level::kError));
  const auto again = h.Register("web", "web-0");  // the engine registers at each spawn
  EXPECT_EQ(again, first);
  h.Append(again, Line("started again"));
  const HistoryPage page = h.Read(Query("web", "web-0", std::nullopt, 10));
  EXPECT_EQ(Messages(page), "PHP Fatal error: before the crash,started again");
  EXPECT_EQ(page.records[0].level, Level::kError);
}

// The writer's other calls work inside a batch (they must not take the lock the batch holds), and
// a reader that asks meanwhile gets the batch whole, after it ends.
TEST(HistoryTest, AWriteBatchTakesTheLockOnceForTheWritersCalls) {
  LogHistory h({10, 1 << 20, 64 << 20});
  std::string seen;
  std::thread reader;
  {
    const LogHistory::WriteBatch batch(&h);
    const auto web0 = h.Register("web", "web-0");
    h.Append(web0, Line("a"));
    reader = std::thread([&] { seen = Messages(h.Read(Query("web", "", std::nullopt, 10))); });
    h.Append(web0, Line("b"));
    h.SetLimits({10, 1 << 20, 64 << 20});
    h.Retire("web-0");
    h.Append(web0, Line("c"));
  }
  reader.join();
  EXPECT_EQ(seen, "a,b,c");                    // it asked during the batch and waited for the lock
  const LogHistory::WriteBatch none(nullptr);  // a source without history: nothing happens
  EXPECT_EQ(h.stats().lines, 3u);
}

TEST(HistoryTest, PerInstanceLineBound) {
  LogHistory h({3, 1 << 20, 64 << 20});
  const auto a = h.Register("p", "p-0");
  const auto b = h.Register("p", "p-1");
  for (const char* m : {"1", "2", "3", "4", "5"}) h.Append(a, Line(m));
  h.Append(b, Line("other"));
  EXPECT_EQ(Messages(h.Read(Query("", "p-0", std::nullopt, 10))), "3,4,5");
  EXPECT_EQ(Messages(h.Read(Query("", "p-1", std::nullopt, 10))), "other");
  EXPECT_EQ(h.stats().lines, 4u);
}

TEST(HistoryTest, PerInstanceByteBound) {
  LogHistory h({1000, 1200, 64 << 20});
  const auto a = h.Register("p", "p-0");
  const std::string big(300, 'x');
  for (int i = 0; i < 10; ++i) h.Append(a, Line(big + std::to_string(i)));
  const HistoryPage page = h.Read(Query("", "", std::nullopt, 100));
  ASSERT_GE(page.records.size(), 2u);
  EXPECT_LT(page.records.size(), 4u);  // ~400 bytes a line with overhead: 2 or 3 fit in 1200
  EXPECT_EQ(page.records.back().message, big + "9");
  EXPECT_LE(h.stats().memory_bytes, 1200u);
  // A line above the bound on its own is kept alone (it is the newest), the rest give way.
  h.Append(a, Line(std::string(5000, 'y')));
  EXPECT_EQ(h.Read(Query("", "", std::nullopt, 100)).records.size(), 1u);
}

TEST(HistoryTest, TotalBoundEvictsTheOldestLinesOfTheLargestRings) {
  constexpr size_t kTotal = 64 * 1024;
  LogHistory h({100000, 1 << 20, kTotal});
  const auto chatty = h.Register("chatty", "chatty-0");
  const auto medium = h.Register("medium", "medium-0");
  const auto quiet = h.Register("quiet", "quiet-0");
  const std::string text(200, 'm');
  h.Append(quiet, Line("quiet line 1"));
  h.Append(quiet, Line("quiet line 2"));
  for (int i = 0; i < 30; ++i) h.Append(medium, Line(text + "medium" + std::to_string(i)));
  for (int i = 0; i < 1000; ++i) h.Append(chatty, Line(text + "chatty" + std::to_string(i)));
  const HistoryStats s = h.stats();
  EXPECT_LE(s.memory_bytes, kTotal);
  EXPECT_GT(s.memory_bytes, kTotal / 2);
  EXPECT_GT(s.budget_evicted, 0u);
  // The small rings keep everything; the chatty one lost its oldest lines and kept its newest.
  EXPECT_EQ(h.Read(Query("quiet", "", std::nullopt, 100)).records.size(), 2u);
  EXPECT_EQ(h.Read(Query("medium", "", std::nullopt, 100)).records.size(), 30u);
  const HistoryPage chatty_page = h.Read(Query("chatty", "", std::nullopt, 100000));
  EXPECT_LT(chatty_page.records.size(), 1000u);
  EXPECT_EQ(chatty_page.records.back().message, text + "chatty999");
  // A second chatty ring: the two large rings end up sharing what the small ones leave.
  const auto huge = h.Register("huge", "huge-0");
  for (int i = 0; i < 300; ++i) h.Append(huge, Line(text + "huge" + std::to_string(i)));
  EXPECT_LE(h.stats().memory_bytes, kTotal);
  EXPECT_EQ(h.Read(Query("quiet", "", std::nullopt, 100)).records.size(), 2u);
  EXPECT_EQ(h.Read(Query("medium", "", std::nullopt, 100)).records.size(), 30u);
  const size_t chatty_left = h.Read(Query("chatty", "", std::nullopt, 100000)).records.size();
  const size_t huge_left = h.Read(Query("huge", "", std::nullopt, 100000)).records.size();
  EXPECT_GT(chatty_left, 0u);
  EXPECT_LE(chatty_left, huge_left + 5);  // levelled: neither keeps much more than the other
  EXPECT_LE(huge_left, chatty_left + 5);
}

TEST(HistoryTest, MemoryIsAccountedAndReleased) {
  LogHistory h;
  EXPECT_EQ(h.stats().memory_bytes, 0u);
  const auto a = h.Register("p", "p-0");
  h.Append(a, Line(std::string(1000, 'x')));
  const uint64_t one = h.stats().memory_bytes;
  EXPECT_GE(one, 1000u);
  EXPECT_LT(one, 1300u);
  auto labels =
      std::make_shared<const FieldList>(FieldList{{"service", "a-rather-long-label", false}});
  FieldList own = {{"request_id", "0123456789abcdef0123", false}};
  Entry e = Line("with fields");
  e.fields = &own;
  e.labels = labels;
  h.Append(a, e);
  EXPECT_GT(h.stats().memory_bytes, one + 20);  // the own fields count; the shared labels do not
  EXPECT_EQ(h.stats().lines, 2u);
  EXPECT_EQ(h.stats().instances, 1u);
  const Record r = h.Read(Query("", "", std::nullopt, 1)).records.at(0);
  ASSERT_EQ(r.fields.size(), 2u);  // own, then labels
  EXPECT_EQ(r.fields[0].key, "request_id");
  EXPECT_EQ(r.fields[1].value, "a-rather-long-label");
  h.Remove("p-0");
  EXPECT_EQ(h.stats().memory_bytes, 0u);
  EXPECT_EQ(h.stats().lines, 0u);
  EXPECT_EQ(h.stats().instances, 0u);
  EXPECT_FALSE(h.HasInstance("p-0"));
  EXPECT_EQ(h.Append(a, Line("stale handle")), 0u);  // a removed instance's handle is dead
  const auto b = h.Register("p", "p-0");             // the slot is reused under a new handle
  EXPECT_NE(b, a);
  EXPECT_EQ(h.Append(a, Line("still dead")), 0u);
  EXPECT_EQ(h.Append(b, Line("new")), 3u);  // a refused append takes no seq
}

TEST(HistoryTest, ZeroLinesKeepsNothingButNumbersEveryLine) {
  LogHistory h({0, 1 << 20, 1 << 20});
  const auto a = h.Register("p", "p-0");
  EXPECT_EQ(h.Append(a, Line("x")), 1u);
  EXPECT_EQ(h.Append(a, Line("y")), 2u);
  EXPECT_TRUE(h.Read(Query("", "", std::nullopt, 10)).records.empty());
  EXPECT_EQ(h.stats().memory_bytes, 0u);
}

TEST(HistoryTest, SetLimitsTrimsAtOnce) {
  LogHistory h;
  const auto a = h.Register("p", "p-0");
  for (int i = 0; i < 10; ++i) h.Append(a, Line(std::to_string(i)));
  h.SetLimits({4, 1 << 20, 64 << 20});
  EXPECT_EQ(Messages(h.Read(Query("", "", std::nullopt, 10))), "6,7,8,9");
  h.SetLimits({1000, 1 << 20, 1});  // a total below any line: everything goes
  EXPECT_EQ(h.stats().lines, 0u);
}

// A scaled-down instance's lines stay readable; they are the first to go when the total bound
// needs room, before any line of a live instance; the instance coming back takes its ring back.
TEST(HistoryTest, RetiredInstancesStayReadableAndGoFirstUnderTheTotalBound) {
  constexpr size_t kTotal = 64 * 1024;
  LogHistory h({100000, 1 << 20, kTotal});
  const auto gone = h.Register("web", "web-1");
  const auto live = h.Register("web", "web-0");
  const std::string text(200, 'x');
  for (int i = 0; i < 100; ++i) h.Append(gone, Line(text + "gone" + std::to_string(i)));
  h.Append(live, Line("live 1"));
  h.Retire("web-1");
  EXPECT_TRUE(h.HasInstance("web-1"));
  EXPECT_EQ(h.Read(Query("web", "web-1", std::nullopt, 1000)).records.size(), 100u);
  EXPECT_EQ(h.Append(gone, Line("a last line after the retirement")), 102u);  // still valid
  // Pressure: the retired ring (the largest) goes whole; the live one keeps every line.
  for (int i = 0; i < 200; ++i) h.Append(live, Line(text + "live" + std::to_string(i)));
  EXPECT_FALSE(h.HasInstance("web-1"));
  EXPECT_EQ(h.Read(Query("web", "web-1", std::nullopt, 1000)).records.size(), 0u);
  EXPECT_GE(h.stats().budget_evicted, 101u);
  EXPECT_EQ(h.Append(gone, Line("dead handle")), 0u);
  // Retired and back before any pressure: the same ring, lines and all.
  const auto again = h.Register("web", "web-0");
  h.Retire("web-0");
  EXPECT_EQ(h.Register("web", "web-0"), again);
  EXPECT_TRUE(h.HasProcess("web"));
  EXPECT_FALSE(h.HasProcess("worker"));
}

TEST(HistoryTest, AtMostSoManyRetiredRingsAreKept) {
  LogHistory h;
  for (size_t i = 0; i <= LogHistory::kMaxRetired; ++i) {
    const std::string id = "w-" + std::to_string(i);
    h.Append(h.Register("w", id), Line("bye"));
    h.Retire(id);
  }
  EXPECT_EQ(h.stats().instances, LogHistory::kMaxRetired);
  EXPECT_FALSE(h.HasInstance("w-0"));  // the oldest retirement went
  EXPECT_TRUE(h.HasInstance("w-1"));
  EXPECT_EQ(h.stats().lines, LogHistory::kMaxRetired);
}

}  // namespace
}  // namespace phpeek::process_logs
