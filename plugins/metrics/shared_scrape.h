// One reading of the daemon for all the requests that wait for it: scrapes run one at a time,
// and a request that arrived before the latest reading began takes that reading instead of
// starting another (it is as fresh for that request as a reading made for it). So ten scrapers
// that arrive together cost one reading, and a flood of scrapes cannot make readings pile up.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "plugins/metrics/routes.h"

namespace phpeek::metrics {

class SharedScrape {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SharedScrape(ScrapeFn scrape) : scrape_(std::move(scrape)) {}

  // The answer for a request received at `arrived`: the latest reading if it began at or after
  // then, else a new one. Thread-safe. A scrape that throws answers 500 (and is not shared).
  HttpResponse Get(Clock::time_point arrived);

 private:
  ScrapeFn scrape_;
  std::mutex scraping_;  // held while a reading runs: one at a time
  std::mutex mu_;        // guards the two below, never held during a reading
  Clock::time_point began_{};
  std::shared_ptr<const HttpResponse> latest_;
};

}  // namespace phpeek::metrics
