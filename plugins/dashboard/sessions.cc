#include "plugins/dashboard/sessions.h"

#include <sys/random.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace phpeek::dashboard {

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  size_t got = 0;
  while (got < bytes) {
    const ssize_t n = ::getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0) throw std::runtime_error("getrandom failed: no random session id");
    got += static_cast<size_t>(n);
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (const unsigned char b : raw) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

SessionStore::SessionStore(std::chrono::milliseconds ttl, size_t capacity, Now now)
    : ttl_(ttl), capacity_(std::max<size_t>(capacity, 1)), now_(std::move(now)) {}

SessionStore::Session SessionStore::Create() {
  Session s{RandomHex(32), RandomHex(32)};
  const Clock::time_point now = now_();
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.expires <= now; });
  if (sessions_.size() >= capacity_) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    sessions_.erase(oldest);
  }
  sessions_[s.id] = Kept{s, now + ttl_};
  return s;
}

std::optional<SessionStore::Session> SessionStore::Find(std::string_view id) {
  const Clock::time_point now = now_();
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second.session;
}

void SessionStore::Remove(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (const auto it = sessions_.find(id); it != sessions_.end()) sessions_.erase(it);
}

void SessionStore::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.clear();
}

}  // namespace phpeek::dashboard
