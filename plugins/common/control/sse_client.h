// One open SSE stream as a feed holds it (event_feed.h, log_feed.h): the HTTP stream, the slot it
// takes of the stream cap (api_max_streams), and when it was last written to, for heartbeats.
// A client that cannot keep up gets a final `event: overflow` (data: how many events it lost) and
// is closed: it reconnects with Last-Event-ID and resumes from the history.
// Not thread-safe: its feed calls it under the feed's lock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "plugins/common/http/response_stream.h"

namespace phpeek::control {

using SseClock = std::chrono::steady_clock;

// The number of streams open at once, bounded.
class StreamSlots {
 public:
  explicit StreamSlots(int max) : max_(max) {}

  // Held by a stream for as long as it is open; releases its slot when destroyed.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(std::atomic<int>* open) : open_(open) {}
    Slot(Slot&& other) noexcept : open_(other.open_) { other.open_ = nullptr; }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { Release(); }
    bool held() const { return open_ != nullptr; }

   private:
    void Release();
    std::atomic<int>* open_ = nullptr;
  };

  // A held slot, or an empty one when `max` streams are open.
  Slot TryTake();
  int open() const { return open_.load(); }
  int max() const { return max_; }

 private:
  const int max_;
  std::atomic<int> open_{0};
};

class SseClient {
 public:
  SseClient(std::shared_ptr<http::ResponseStream> stream, StreamSlots::Slot slot)
      : stream_(std::move(stream)), slot_(std::move(slot)), last_write_(SseClock::now()) {}

  // Appends `text` to the stream. kFull: nothing appended (the client decides: Overflow, or
  // wait for room while it catches up from the history).
  http::ResponseStream::WriteResult Write(std::string_view text);
  // The final `event: overflow` with `dropped`, then the end of the stream.
  void Overflow(uint64_t dropped);
  // The final `event: end` with `data` (a JSON value), then the end of the stream.
  void End(std::string_view data);
  // Ends the stream without a last event (the client reconnects).
  void Close() { stream_->Finish(); }
  // Writes a heartbeat comment when nothing was written for `interval`; returns when the next
  // one is due.
  SseClock::time_point Heartbeat(SseClock::time_point now, std::chrono::milliseconds interval);

  bool closed() const { return stream_->closed(); }
  // Less than half of its queue is taken: worth another page of history.
  bool HasRoom() const { return stream_->queued_bytes() < stream_->max_queued_bytes() / 2; }
  size_t max_queued_bytes() const { return stream_->max_queued_bytes(); }

 private:
  std::shared_ptr<http::ResponseStream> stream_;
  StreamSlots::Slot slot_;
  SseClock::time_point last_write_;
};

// Formats events for one client and writes them in pieces of a few KiB (one lock and one wake per
// piece, not per event). Counts what it could not write once the client was full.
class SseBatch {
 public:
  explicit SseBatch(SseClient* client);
  ~SseBatch() { Flush(); }
  SseBatch(const SseBatch&) = delete;
  SseBatch& operator=(const SseBatch&) = delete;

  // Adds one event (false once the client is full or closed: the event was not taken).
  bool Add(uint64_t id, std::string_view data);
  // The same with the event already framed (AppendSseEvent), for one event sent to many clients.
  bool AddFramed(uint64_t id, std::string_view framed);
  // Writes what is pending; false when the client was full or closed.
  bool Flush();
  // The client took everything so far.
  bool ok() const { return result_ == http::ResponseStream::WriteResult::kQueued; }
  bool full() const { return result_ == http::ResponseStream::WriteResult::kFull; }
  // Events added but not written (the client was full or closed).
  uint64_t lost() const { return lost_; }
  // The id of the last event the client took (0: none).
  uint64_t last_written() const { return last_written_; }

 private:
  bool Added(uint64_t id);  // counts an event appended to pending_

  SseClient* client_;
  size_t piece_;  // 32 KiB, or a quarter of a smaller queue
  std::string pending_;
  uint64_t pending_events_ = 0;
  uint64_t pending_last_ = 0;
  uint64_t last_written_ = 0;
  uint64_t lost_ = 0;
  http::ResponseStream::WriteResult result_ = http::ResponseStream::WriteResult::kQueued;
};

}  // namespace phpeek::control
