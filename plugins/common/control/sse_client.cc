#include "plugins/common/control/sse_client.h"

#include <algorithm>
#include <string>
#include <utility>

#include "plugins/common/control/sse_text.h"

namespace phpeek::control {

StreamSlots::Slot& StreamSlots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    open_ = other.open_;
    other.open_ = nullptr;
  }
  return *this;
}

void StreamSlots::Slot::Release() {
  if (open_ != nullptr) open_->fetch_sub(1);
  open_ = nullptr;
}

StreamSlots::Slot StreamSlots::TryTake() {
  if (open_.fetch_add(1) >= max_) {
    open_.fetch_sub(1);
    return Slot();
  }
  return Slot(&open_);
}

http::ResponseStream::WriteResult SseClient::Write(std::string_view text) {
  const auto r = stream_->Write(text);
  if (r == http::ResponseStream::WriteResult::kQueued) last_write_ = SseClock::now();
  return r;
}

void SseClient::Overflow(uint64_t dropped) {
  stream_->Finish(SseNamedEvent("overflow", std::to_string(dropped)));
}

void SseClient::End(std::string_view data) { stream_->Finish(SseNamedEvent("end", data)); }

SseClock::time_point SseClient::Heartbeat(SseClock::time_point now,
                                          std::chrono::milliseconds interval) {
  if (now - last_write_ >= interval) {
    // A client whose queue is full gets none: it has bytes to read, and the server's write
    // deadline ends it if it never does.
    (void)stream_->Write(SseHeartbeat());
    last_write_ = now;
  }
  return last_write_ + interval;
}

SseBatch::SseBatch(SseClient* client)
    : client_(client), piece_(std::min<size_t>(32 * 1024, client->max_queued_bytes() / 4)) {}

bool SseBatch::Add(uint64_t id, std::string_view data) {
  if (!ok()) {
    ++lost_;
    return false;
  }
  AppendSseEvent(&pending_, id, data);
  return Added(id);
}

bool SseBatch::AddFramed(uint64_t id, std::string_view framed) {
  if (!ok()) {
    ++lost_;
    return false;
  }
  pending_.append(framed);
  return Added(id);
}

bool SseBatch::Added(uint64_t id) {
  ++pending_events_;
  pending_last_ = id;
  return pending_.size() < piece_ || Flush();
}

bool SseBatch::Flush() {
  if (pending_.empty() || !ok()) return ok();
  result_ = client_->Write(pending_);
  if (ok()) {
    last_written_ = pending_last_;
  } else {
    lost_ += pending_events_;
  }
  pending_.clear();
  pending_events_ = 0;
  return ok();
}

}  // namespace phpeek::control
