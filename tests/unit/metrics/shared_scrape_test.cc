// One reading shared by the scrapes that waited for it, one reading at a time.
#include "plugins/metrics/shared_scrape.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace phpeek::metrics {
namespace {

using Clock = SharedScrape::Clock;

TEST(SharedScrape, ARequestThatArrivedBeforeAReadingBeganSharesIt) {
  int readings = 0;
  SharedScrape scrape([&] {
    ++readings;
    return HttpResponse{200, "text/plain", "reading " + std::to_string(readings), {}};
  });
  const Clock::time_point before = Clock::now();
  EXPECT_EQ(scrape.Get(before).body, "reading 1");
  EXPECT_EQ(scrape.Get(before).body, "reading 1") << "arrived before reading 1 began";
  const Clock::time_point after = Clock::now();
  EXPECT_EQ(scrape.Get(after).body, "reading 2") << "arrived after: a fresh reading";
  EXPECT_EQ(scrape.Get(after).body, "reading 2");
  EXPECT_EQ(scrape.Get(before).body, "reading 2");
  EXPECT_EQ(readings, 2);
}

TEST(SharedScrape, ReadingsRunOneAtATime) {
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> readings{0};
  SharedScrape scrape([&] {
    const int now = ++running;
    most = std::max(most.load(), now);
    ++readings;
    std::this_thread::yield();
    --running;
    return HttpResponse{};
  });
  std::vector<std::thread> scrapers;
  for (int t = 0; t < 4; ++t) {
    scrapers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) scrape.Get(Clock::now());
    });
  }
  for (auto& t : scrapers) t.join();
  EXPECT_EQ(most.load(), 1);
  EXPECT_GE(readings.load(), 1);
  EXPECT_LE(readings.load(), 200);
}

TEST(SharedScrape, AFailedReadingAnswers500AndIsNotShared) {
  int calls = 0;
  SharedScrape scrape([&]() -> HttpResponse {
    if (++calls == 1) throw std::runtime_error("boom");
    return HttpResponse{200, "text/plain", "ok", {}};
  });
  const Clock::time_point before = Clock::now();
  const HttpResponse failed = scrape.Get(before);
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.body, "scrape failed: boom\n");
  EXPECT_EQ(scrape.Get(before).body, "ok");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace phpeek::metrics
