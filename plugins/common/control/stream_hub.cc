#include "plugins/common/control/stream_hub.h"

#include <algorithm>
#include <string>
#include <utility>

#include "plugins/common/http/thread_priority.h"

namespace phpeek::control {
namespace {

// How long a log_next may wait: also how soon the hub notices its other chores when lines are
// scarce. While a stream catches up from the history, it polls for room this often.
constexpr std::chrono::milliseconds kPumpWait{250};
constexpr std::chrono::milliseconds kCatchUpPoll{20};

}  // namespace

StreamHub::StreamHub(Backend* backend, StreamOptions options)
    : options_(options), slots_(options.max_streams), logs_(backend, [this] { Wake(); }) {}

StreamHub::~StreamHub() { Stop(); }

void StreamHub::Start() {
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void StreamHub::Stop() {
  bool shutting_down = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    shutting_down = shutting_down_;
  }
  cv_.notify_all();
  logs_.Stop();  // a log_next under way returns at once
  if (thread_.joinable()) thread_.join();
  const std::string end = shutting_down ? "\"the daemon is shutting down\"" : "";
  events_.CloseAll(end);
  logs_.CloseAll(end);
}

void StreamHub::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

std::unique_ptr<SseClient> StreamHub::NewClient(std::shared_ptr<http::ResponseStream>* stream) {
  StreamSlots::Slot slot = slots_.TryTake();
  if (!slot.held()) {
    // Closed streams still counted (the hub drops them within kPumpWait): drop them now.
    events_.Reap();
    logs_.Reap();
    slot = slots_.TryTake();
    if (!slot.held()) return nullptr;
  }
  *stream = std::make_shared<http::ResponseStream>(options_.queue_bytes);
  return std::make_unique<SseClient>(*stream, std::move(slot));
}

StreamHub::Opened StreamHub::OpenEvents(std::optional<uint64_t> after, size_t limit) {
  Opened opened;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      opened.result = {BackendCode::kStopping, "the API is stopping"};
      return opened;
    }
  }
  std::unique_ptr<SseClient> client = NewClient(&opened.stream);
  if (!client) {
    opened.busy = true;
    return opened;
  }
  events_.Open(std::move(client), after, limit);
  Wake();  // its heartbeats
  return opened;
}

StreamHub::Opened StreamHub::OpenLogs(const LogQuery& query, bool resume) {
  Opened opened;
  std::unique_ptr<SseClient> client = NewClient(&opened.stream);
  if (!client) {
    opened.busy = true;
    return opened;
  }
  opened.result = logs_.Open(&client, query, resume);
  if (opened.result.code != BackendCode::kOk) {
    opened.stream.reset();
  } else {
    Wake();  // its heartbeats
  }
  return opened;
}

void StreamHub::Publish(const phpeek_event& ev) {
  if (ev.type == PHPEEK_EVENT_SHUTTING_DOWN) {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
  }
  events_.Publish(ev);
}

void StreamHub::Run() {
  if (options_.lower_priority) http::LowerThreadPriority();
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    const SseClock::time_point now = SseClock::now();
    const SseClock::time_point beat = std::min(events_.Heartbeat(now, options_.heartbeat),
                                               logs_.Heartbeat(now, options_.heartbeat));
    events_.Reap();
    logs_.Reap();
    const bool catching_up = logs_.CatchUp();
    std::chrono::milliseconds wait = catching_up ? kCatchUpPoll : kPumpWait;
    if (beat != SseClock::time_point::max()) {
      const auto until_beat = std::chrono::ceil<std::chrono::milliseconds>(beat - SseClock::now());
      wait = std::clamp(until_beat, std::chrono::milliseconds(0), wait);
    }
    if (logs_.Pump(wait)) continue;
    const bool idle = events_.clients() == 0 && logs_.clients() == 0;
    std::unique_lock<std::mutex> lock(mu_);
    if (idle) {  // no stream: nothing to do until one opens (an idle daemon wakes for nothing)
      cv_.wait(lock, [this] { return stopping_ || woken_; });
    } else {
      cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    }
    woken_ = false;
  }
}

}  // namespace phpeek::control
