#include "tests/unit/rest_api/fake_log_store.h"

#include <algorithm>

#include "plugins/common/http/json_string.h"

namespace phpeek::rest::testing {

void FakeLogStore::AddInstance(const std::string& process, const std::string& instance) {
  std::lock_guard<std::mutex> lock(mu_);
  instances_[process].insert(instance);
}

uint64_t FakeLogStore::Append(const std::string& process, const std::string& instance,
                              const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  instances_[process].insert(instance);
  const Line line{++newest_, process, instance, message};
  auto& ring = kept_[instance];
  ring.push_back(line);
  while (ring.size() > keep_) ring.pop_front();
  for (auto& [id, f] : follows_) {
    if (f.closed) continue;
    if (f.queue.size() >= f.max) {
      ++f.dropped;
    } else {
      f.queue.push_back(line);
    }
  }
  cv_.notify_all();
  return line.seq;
}

void FakeLogStore::SetKeep(size_t lines) {
  std::lock_guard<std::mutex> lock(mu_);
  keep_ = lines;
}

void FakeLogStore::SetFollowQueueCap(size_t lines) {
  std::lock_guard<std::mutex> lock(mu_);
  follow_cap_ = lines;
}

void FakeLogStore::HoldNext(bool hold) {
  std::lock_guard<std::mutex> lock(mu_);
  hold_next_ = hold;
  cv_.notify_all();
}

void FakeLogStore::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  for (auto& [id, f] : follows_) f.closed = true;
  cv_.notify_all();
}

size_t FakeLogStore::follows() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<size_t>(std::count_if(follows_.begin(), follows_.end(),
                                           [](const auto& f) { return !f.second.closed; }));
}

void FakeLogStore::AppendEntry(std::string* out, const Line& l) {
  *out +=
      "{\"seq\":" + std::to_string(l.seq) + ",\"time\":\"2026-12-06T15:04:05.123Z\",\"process\":";
  http::AppendJsonString(out, l.process);
  *out += ",\"instance\":";
  http::AppendJsonString(out, l.instance);
  *out += ",\"stream\":\"stdout\",\"level\":\"info\",\"message\":";
  http::AppendJsonString(out, l.message);
  *out += ",\"fields\":{}}";
}

control::BackendResult FakeLogStore::Read(const control::LogQuery& q, std::string* json) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!q.process.empty() && instances_.count(q.process) == 0) {
    return {control::BackendCode::kNotFound, "no process '" + q.process + "'"};
  }
  if (!q.instance.empty() && instances_.at(q.process).count(q.instance) == 0) {
    return {control::BackendCode::kNotFound,
            "no instance '" + q.instance + "' of process '" + q.process + "'"};
  }
  if (q.limit > 10000) return {control::BackendCode::kInvalidArgument, "limit above 10000"};
  if (q.since > newest_) {
    return {
        control::BackendCode::kInvalidArgument,
        "since " + std::to_string(q.since) + " is above the newest seq " + std::to_string(newest_)};
  }
  std::vector<Line> matching;
  for (const auto& [instance, ring] : kept_) {
    for (const Line& l : ring) {
      if (!q.process.empty() && l.process != q.process) continue;
      if (!q.instance.empty() && l.instance != q.instance) continue;
      if (q.since != 0 && l.seq <= q.since) continue;
      matching.push_back(l);
    }
  }
  std::sort(matching.begin(), matching.end(),
            [](const Line& a, const Line& b) { return a.seq < b.seq; });
  const size_t limit = q.limit == 0 ? 100 : q.limit;
  const bool more = matching.size() > limit;
  if (more) {
    if (q.since == 0) {
      matching.erase(matching.begin(), matching.end() - static_cast<std::ptrdiff_t>(limit));
    } else {
      matching.resize(limit);
    }
  }
  *json = "{\"schema\":1,\"entries\":[";
  for (size_t i = 0; i < matching.size(); ++i) {
    if (i > 0) *json += ",";
    AppendEntry(json, matching[i]);
  }
  *json += "],\"more\":" + std::string(more ? "true" : "false") +
           ",\"newest_seq\":" + std::to_string(newest_) + "}";
  return {};
}

control::BackendResult FakeLogStore::Follow(uint32_t queue_lines, uint64_t* id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_) return {control::BackendCode::kStopping, "the daemon is shutting down"};
  *id = next_follow_++;
  follows_[*id].max = queue_lines == 0 ? 10000 : queue_lines;
  if (follow_cap_ != 0) follows_[*id].max = std::min(follows_[*id].max, follow_cap_);
  return {};
}

control::BackendResult FakeLogStore::Next(uint64_t id, std::chrono::milliseconds wait,
                                          std::string* json) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = follows_.find(id);
  if (it == follows_.end())
    return {control::BackendCode::kNotFound, "no follow " + std::to_string(id)};
  const bool ready = cv_.wait_for(lock, wait, [&] {
    const FollowQueue& f = follows_.at(id);
    return f.closed || (!hold_next_ && (!f.queue.empty() || f.dropped > 0));
  });
  FollowQueue& f = follows_.at(id);
  if (!ready && hold_next_) {
    *json = R"({"schema":1,"entries":[],"dropped":0,"closed":false})";
    return {};
  }
  *json = "{\"schema\":1,\"entries\":[";
  for (size_t i = 0; i < f.queue.size(); ++i) {
    if (i > 0) *json += ",";
    AppendEntry(json, f.queue[i]);
  }
  *json += "],\"dropped\":" + std::to_string(f.dropped) +
           ",\"closed\":" + (f.closed ? "true" : "false") + "}";
  f.queue.clear();
  f.dropped = 0;
  return {};
}

void FakeLogStore::Unfollow(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = follows_.find(id);
  if (it != follows_.end()) it->second.closed = true;
  cv_.notify_all();
}

}  // namespace phpeek::rest::testing
