// LogHistory's reader side: pages merged across rings by seq, and followers started atomically
// after their backlog.
#include <algorithm>
#include <utility>

#include "core/process_logs/history_ring.h"

namespace phpeek::process_logs {
namespace {

// A position in one ring while merging: the line at `pos` is the next to take.
struct Cursor {
  const LogHistory::Ring* ring;
  size_t pos;
  uint64_t seq() const { return ring->lines[pos].seq; }
};

}  // namespace

Record ToRecord(const std::string& process, const std::string& instance,
                const LogHistory::Line& line) {
  Record r;
  r.seq = line.seq;
  r.time = line.time;
  r.process = process;
  r.instance = instance;
  r.stream = line.stream;
  r.level = line.level;
  r.message = line.message;
  if (line.fields) r.fields = *line.fields;
  if (line.labels) r.fields.insert(r.fields.end(), line.labels->begin(), line.labels->end());
  return r;
}

std::vector<const LogHistory::Ring*> LogHistory::Matching(const HistoryQuery& q) const {
  std::vector<const Ring*> rings;
  if (!q.instance.empty()) {
    const auto it = by_instance_.find(q.instance);
    if (it != by_instance_.end()) {
      const Ring* ring = slots_[it->second].get();
      if (q.process.empty() || ring->process == q.process) rings.push_back(ring);
    }
    return rings;
  }
  for (const auto& slot : slots_) {
    if (slot && (q.process.empty() || slot->process == q.process)) rings.push_back(slot.get());
  }
  return rings;
}

// since set: a forward merge from the first line after `since` in each ring (min-heap on seq).
// Else: a backward merge from each ring's newest line (max-heap), reversed at the end.
HistoryPage LogHistory::ReadLocked(const HistoryQuery& q) const {
  HistoryPage page;
  page.newest_seq = seq_;
  std::vector<Cursor> heap;
  for (const Ring* ring : Matching(q)) {
    const auto& lines = ring->lines;
    if (q.since) {
      const auto first = std::upper_bound(lines.begin(), lines.end(), *q.since,
                                          [](uint64_t s, const Line& l) { return s < l.seq; });
      if (first != lines.end()) heap.push_back({ring, static_cast<size_t>(first - lines.begin())});
    } else if (!lines.empty()) {
      heap.push_back({ring, lines.size() - 1});
    }
  }
  const bool forward = q.since.has_value();
  const auto later = [forward](const Cursor& a, const Cursor& b) {
    return forward ? a.seq() > b.seq() : a.seq() < b.seq();
  };
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty() && page.records.size() < q.limit) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cursor& c = heap.back();
    page.records.push_back(ToRecord(c.ring->process, c.ring->instance, c.ring->lines[c.pos]));
    const bool exhausted = forward ? ++c.pos == c.ring->lines.size() : c.pos-- == 0;
    if (exhausted) {
      heap.pop_back();
    } else {
      std::push_heap(heap.begin(), heap.end(), later);
    }
  }
  page.more = !heap.empty();
  if (!forward) std::reverse(page.records.begin(), page.records.end());
  return page;
}

HistoryPage LogHistory::Read(const HistoryQuery& query) const {
  std::lock_guard lock(mu_);
  return ReadLocked(query);
}

LogHistory::FollowStart LogHistory::Follow(const HistoryQuery& query, FollowLimits limits) {
  auto queue =
      std::make_shared<FollowQueue>(query.process, query.instance, limits, open_followers_);
  std::lock_guard lock(mu_);
  PruneFollowers();
  FollowStart start{ReadLocked(query), Follower(queue)};
  if (followers_closed_) {
    queue->Close();  // the run is over: the backlog is all there is
  } else {
    followers_.push_back(std::move(queue));
  }
  return start;
}

bool LogHistory::HasInstance(std::string_view instance) const {
  std::lock_guard lock(mu_);
  return by_instance_.count(std::string(instance)) > 0;
}

std::string LogHistory::ProcessOf(std::string_view instance) const {
  std::lock_guard lock(mu_);
  const auto it = by_instance_.find(std::string(instance));
  return it == by_instance_.end() ? std::string() : slots_[it->second]->process;
}

bool LogHistory::HasProcess(std::string_view process) const {
  std::lock_guard lock(mu_);
  return std::any_of(slots_.begin(), slots_.end(),
                     [&](const auto& slot) { return slot && slot->process == process; });
}

}  // namespace phpeek::process_logs
