// LogHistory's writer side: rings, the per-instance and total bounds, delivery to followers.
#include <algorithm>
#include <utility>

#include "core/process_logs/history_ring.h"

namespace phpeek::process_logs {
namespace {

constexpr uint64_t kMaxSlack = 1024 * 1024;

size_t HeapBytes(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;  // beyond libstdc++'s in-place buffer
}

size_t FieldsBytes(const FieldList* fields) {
  if (!fields) return 0;
  size_t bytes = sizeof(FieldList) + fields->capacity() * sizeof(Field);
  for (const auto& f : *fields) bytes += HeapBytes(f.key) + HeapBytes(f.value);
  return bytes;
}

}  // namespace

LogHistory::LogHistory(HistoryLimits limits) : limits_(limits) {}

LogHistory::~LogHistory() {
  for (auto& f : followers_) f->Close();
}

LogHistory::Handle LogHistory::Register(std::string_view process, std::string_view instance) {
  const auto lock = WriterLock();
  const auto it = by_instance_.find(std::string(instance));
  if (it != by_instance_.end()) {
    Ring& ring = *slots_[it->second];
    ring.process = process;
    if (ring.retired) {  // it came back: its ring is its own again
      ring.retired = false;
      retired_.erase(std::find(retired_.begin(), retired_.end(), ring.instance));
    }
    return (uint64_t{generations_[it->second]} << 32) | it->second;
  }
  uint32_t index = 0;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    generations_.push_back(0);
  }
  auto ring = std::make_unique<Ring>();
  ring->process = process;
  ring->instance = instance;
  slots_[index] = std::move(ring);
  by_instance_.emplace(std::string(instance), index);
  PublishStats();
  return (uint64_t{generations_[index]} << 32) | index;
}

LogHistory::WriteBatch::WriteBatch(LogHistory* history) : history_(history) {
  if (!history_) return;
  history_->mu_.lock();
  history_->in_batch_ = true;
}

LogHistory::WriteBatch::~WriteBatch() {
  if (!history_) return;
  history_->in_batch_ = false;
  history_->mu_.unlock();
}

std::unique_lock<std::mutex> LogHistory::WriterLock() {
  return in_batch_ ? std::unique_lock<std::mutex>() : std::unique_lock<std::mutex>(mu_);
}

LogHistory::Ring* LogHistory::Find(Handle handle) {
  const uint32_t index = static_cast<uint32_t>(handle);
  if (index >= slots_.size() || generations_[index] != handle >> 32) return nullptr;
  return slots_[index].get();
}

uint64_t LogHistory::Append(Handle handle, const Entry& entry) {
  const auto lock = WriterLock();
  Ring* ring = Find(handle);
  if (!ring) return 0;
  const uint64_t seq = ++seq_;
  if (!followers_.empty()) Offer(*ring, seq, entry);
  Store(*ring, seq, entry);
  PublishStats();
  return seq;
}

void LogHistory::Offer(const Ring& ring, uint64_t seq, const Entry& entry) {
  std::optional<Record> record;
  bool any_closed = false;
  for (const auto& f : followers_) {
    if (!f->Matches(ring.process, ring.instance)) continue;
    if (!record) {
      record.emplace();
      record->seq = seq;
      record->time = entry.time;
      record->process = ring.process;
      record->instance = ring.instance;
      record->stream = entry.stream;
      record->level = entry.level;
      record->message = entry.message;
      if (entry.fields) record->fields = *entry.fields;
      if (entry.labels) {
        record->fields.insert(record->fields.end(), entry.labels->begin(), entry.labels->end());
      }
    }
    if (!f->Offer(*record)) any_closed = true;
  }
  if (any_closed) PruneFollowers();
}

void LogHistory::PruneFollowers() {
  followers_.erase(std::remove_if(followers_.begin(), followers_.end(),
                                  [](const auto& f) { return f->closed(); }),
                   followers_.end());
}

void LogHistory::Store(Ring& ring, uint64_t seq, const Entry& entry) {
  if (limits_.lines_per_instance == 0 || limits_.bytes_per_instance == 0) return;
  std::string recycled;  // the evicted line's buffer, reused: no allocation once a ring is full
  while (ring.lines.size() >= limits_.lines_per_instance) PopOldest(ring, &recycled);
  if (recycled.capacity() > 2 * entry.message.size() + 64) recycled = std::string();
  Line line;
  line.seq = seq;
  line.time = entry.time;
  line.message = std::move(recycled);
  line.message.assign(entry.message);
  if (entry.fields && !entry.fields->empty()) {
    line.fields = std::make_unique<const FieldList>(*entry.fields);
  }
  line.labels = entry.labels;
  line.stream = entry.stream;
  line.level = entry.level;
  line.cost = static_cast<uint32_t>(sizeof(Line) + HeapBytes(line.message) +
                                    FieldsBytes(line.fields.get()));
  while (!ring.lines.empty() && ring.bytes + line.cost > limits_.bytes_per_instance) {
    PopOldest(ring, nullptr);
  }
  ring.bytes += line.cost;
  total_bytes_ += line.cost;
  ++total_lines_;
  ring.lines.push_back(std::move(line));
  if (total_bytes_ > limits_.total_bytes) EnforceTotal();
}

void LogHistory::PopOldest(Ring& ring, std::string* recycle) {
  Line& oldest = ring.lines.front();
  ring.bytes -= oldest.cost;
  total_bytes_ -= oldest.cost;
  --total_lines_;
  if (recycle) *recycle = std::move(oldest.message);
  ring.lines.pop_front();
}

void LogHistory::TrimRing(Ring& ring) {
  while (!ring.lines.empty() && (ring.lines.size() > limits_.lines_per_instance ||
                                 ring.bytes > limits_.bytes_per_instance)) {
    PopOldest(ring, nullptr);
  }
}

// Retired rings go first, whole, oldest retirement first. Then the oldest lines of the largest
// rings, until the total is under the bound less the slack: the largest ring loses lines until it
// is no larger than the next one, and so on.
void LogHistory::EnforceTotal() {
  const uint64_t slack = std::min<uint64_t>(limits_.total_bytes / 64, kMaxSlack);
  const uint64_t target = limits_.total_bytes - slack;
  uint64_t dropped = 0;
  while (total_bytes_ > target && !retired_.empty()) {
    const uint32_t index = by_instance_.at(retired_.front());
    dropped += slots_[index]->lines.size();
    DropRing(index);
  }
  stat_evicted_.fetch_add(dropped, std::memory_order_relaxed);
  std::vector<Ring*> heap;
  for (auto& slot : slots_) {
    if (slot && !slot->lines.empty()) heap.push_back(slot.get());
  }
  const auto smaller = [](const Ring* a, const Ring* b) { return a->bytes < b->bytes; };
  std::make_heap(heap.begin(), heap.end(), smaller);
  uint64_t evicted = 0;
  while (total_bytes_ > target && !heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), smaller);
    Ring* largest = heap.back();
    heap.pop_back();
    const uint64_t next = heap.empty() ? 0 : heap.front()->bytes;
    do {
      PopOldest(*largest, nullptr);
      ++evicted;
    } while (!largest->lines.empty() && total_bytes_ > target && largest->bytes >= next);
    if (!largest->lines.empty()) {
      heap.push_back(largest);
      std::push_heap(heap.begin(), heap.end(), smaller);
    }
  }
  stat_evicted_.fetch_add(evicted, std::memory_order_relaxed);
}

void LogHistory::Retire(std::string_view instance) {
  const auto lock = WriterLock();
  const auto it = by_instance_.find(std::string(instance));
  if (it == by_instance_.end() || slots_[it->second]->retired) return;
  slots_[it->second]->retired = true;
  retired_.push_back(std::string(instance));
  while (retired_.size() > kMaxRetired) DropRing(by_instance_.at(retired_.front()));
  PublishStats();
}

void LogHistory::Remove(std::string_view instance) {
  const auto lock = WriterLock();
  const auto it = by_instance_.find(std::string(instance));
  if (it == by_instance_.end()) return;
  DropRing(it->second);
  PublishStats();
}

// The ring goes with its lines; its handle is dead (the slot's generation moves on).
void LogHistory::DropRing(uint32_t index) {
  Ring& ring = *slots_[index];
  total_bytes_ -= ring.bytes;
  total_lines_ -= ring.lines.size();
  if (ring.retired) retired_.erase(std::find(retired_.begin(), retired_.end(), ring.instance));
  by_instance_.erase(ring.instance);
  slots_[index].reset();
  ++generations_[index];
  free_slots_.push_back(index);
}

void LogHistory::CloseFollowers() {
  std::lock_guard lock(mu_);
  followers_closed_ = true;
  for (auto& f : followers_) f->Close();
  followers_.clear();
}

void LogHistory::SetLimits(const HistoryLimits& limits) {
  const auto lock = WriterLock();
  limits_ = limits;
  for (auto& slot : slots_) {
    if (slot) TrimRing(*slot);
  }
  if (total_bytes_ > limits_.total_bytes) EnforceTotal();
  PublishStats();
}

void LogHistory::PublishStats() {
  stat_bytes_.store(total_bytes_, std::memory_order_relaxed);
  stat_lines_.store(total_lines_, std::memory_order_relaxed);
  stat_instances_.store(by_instance_.size(), std::memory_order_relaxed);
}

HistoryStats LogHistory::stats() const {
  return {stat_bytes_.load(std::memory_order_relaxed), stat_lines_.load(std::memory_order_relaxed),
          stat_instances_.load(std::memory_order_relaxed),
          stat_evicted_.load(std::memory_order_relaxed),
          open_followers_->load(std::memory_order_relaxed)};
}

}  // namespace phpeek::process_logs
