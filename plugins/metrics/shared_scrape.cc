#include "plugins/metrics/shared_scrape.h"

#include <exception>
#include <string>
#include <utility>

namespace phpeek::metrics {

HttpResponse SharedScrape::Get(Clock::time_point arrived) {
  const auto fresh = [&]() -> std::shared_ptr<const HttpResponse> {
    std::lock_guard<std::mutex> lock(mu_);
    return latest_ && began_ >= arrived ? latest_ : nullptr;
  };
  if (auto shared = fresh()) return *shared;
  std::lock_guard<std::mutex> one_at_a_time(scraping_);
  if (auto shared = fresh()) return *shared;  // made while this request waited for its turn
  const Clock::time_point began = Clock::now();
  HttpResponse response;
  try {
    response = scrape_();
  } catch (const std::exception& e) {
    return ErrorResponse(500, std::string("scrape failed: ") + e.what());
  }
  auto reading = std::make_shared<const HttpResponse>(std::move(response));
  {
    std::lock_guard<std::mutex> lock(mu_);
    began_ = began;
    latest_ = reading;
  }
  return *reading;
}

}  // namespace phpeek::metrics
