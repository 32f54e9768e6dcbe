#include "plugins/common/control/event_feed.h"

#include <algorithm>
#include <utility>

#include "plugins/common/control/event_json.h"

namespace phpeek::control {

void EventFeed::Publish(const phpeek_event& ev) {
  Kept kept{ev.seq, EventJson(ev)};
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& client : clients_) {
    if (client->closed()) continue;
    SseBatch batch(client.get());
    if (!batch.Add(kept.seq, kept.json) || !batch.Flush()) {
      if (batch.full()) client->Overflow(batch.lost());
    }
  }
  ring_.push_back(std::move(kept));
  if (ring_.size() > kEventHistory) ring_.pop_front();
}

void EventFeed::Open(std::unique_ptr<SseClient> client, std::optional<uint64_t> after,
                     size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t newest = ring_.empty() ? 0 : ring_.back().seq;
  auto first = ring_.end();
  if (after && *after <= newest) {
    first = std::upper_bound(ring_.begin(), ring_.end(), *after,
                             [](uint64_t seq, const Kept& k) { return seq < k.seq; });
  } else {
    first = ring_.end() - static_cast<std::ptrdiff_t>(std::min(limit, ring_.size()));
  }
  {
    SseBatch batch(client.get());
    for (auto it = first; it != ring_.end(); ++it) batch.Add(it->seq, it->json);
    if (!batch.Flush()) {
      if (batch.full()) client->Overflow(batch.lost());
      return;
    }
  }
  clients_.push_back(std::move(client));
}

SseClock::time_point EventFeed::Heartbeat(SseClock::time_point now,
                                          std::chrono::milliseconds interval) {
  std::lock_guard<std::mutex> lock(mu_);
  SseClock::time_point next = SseClock::time_point::max();
  for (auto& client : clients_) next = std::min(next, client->Heartbeat(now, interval));
  return next;
}

void EventFeed::Reap() {
  std::lock_guard<std::mutex> lock(mu_);
  clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                [](const std::unique_ptr<SseClient>& c) { return c->closed(); }),
                 clients_.end());
}

void EventFeed::CloseAll(const std::string& end_data) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& client : clients_) {
    if (end_data.empty()) {
      client->Close();
    } else {
      client->End(end_data);
    }
  }
  clients_.clear();
}

size_t EventFeed::clients() const {
  std::lock_guard<std::mutex> lock(mu_);
  return clients_.size();
}

}  // namespace phpeek::control
