#include "plugins/common/http/response_stream.h"

#include <utility>

namespace phpeek::http {

ResponseStream::WriteResult ResponseStream::Write(std::string_view bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_ || detached_) return WriteResult::kClosed;
  if (bytes.empty()) return WriteResult::kQueued;
  // An empty queue takes any write: a single piece larger than the bound must not block forever.
  if (!queue_.empty() && queue_.size() + bytes.size() > max_queued_) return WriteResult::kFull;
  queue_.append(bytes);
  if (!wake_pending_ && wake_) {
    wake_pending_ = true;
    wake_();
  }
  return WriteResult::kQueued;
}

void ResponseStream::Finish(std::string_view last) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_ || detached_) return;
  queue_.append(last);
  finished_ = true;
  if (wake_) {
    wake_pending_ = true;
    wake_();
  }
}

bool ResponseStream::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return finished_ || detached_;
}

size_t ResponseStream::queued_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void ResponseStream::Attach(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mu_);
  if (detached_) return;
  wake_ = std::move(wake);
  // Bytes written before the connection carried the stream (the handler's first events).
  if (!queue_.empty() || finished_) {
    wake_pending_ = true;
    wake_();
  }
}

std::string ResponseStream::Take(bool* finished) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out.swap(queue_);
  wake_pending_ = false;
  *finished = finished_;
  return out;
}

void ResponseStream::Detach() {
  std::lock_guard<std::mutex> lock(mu_);
  detached_ = true;
  wake_ = nullptr;
  queue_.clear();
  queue_.shrink_to_fit();
}

}  // namespace phpeek::http
