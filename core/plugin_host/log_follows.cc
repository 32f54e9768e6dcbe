#include "core/plugin_host/log_follows.h"

#include <atomic>
#include <utility>

namespace phpeek::plugin_host {
namespace {

std::atomic<uint64_t> g_next_id{1};

}  // namespace

uint64_t LogFollows::Add(process_logs::Follower follower) {
  const uint64_t id = g_next_id.fetch_add(1, std::memory_order_relaxed);
  auto kept = std::make_shared<process_logs::Follower>(std::move(follower));
  std::lock_guard<std::mutex> lock(mu_);
  follows_.emplace(id, std::move(kept));
  return id;
}

std::shared_ptr<process_logs::Follower> LogFollows::Find(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = follows_.find(id);
  return it == follows_.end() ? nullptr : it->second;
}

bool LogFollows::Remove(uint64_t id) {
  std::shared_ptr<process_logs::Follower> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = follows_.find(id);
    if (it == follows_.end()) return false;
    gone = std::move(it->second);
    follows_.erase(it);
  }
  gone->Close();
  return true;
}

void LogFollows::CloseAll() {
  std::map<uint64_t, std::shared_ptr<process_logs::Follower>> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gone.swap(follows_);
  }
  for (auto& [id, follower] : gone) follower->Close();
}

size_t LogFollows::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return follows_.size();
}

}  // namespace phpeek::plugin_host
