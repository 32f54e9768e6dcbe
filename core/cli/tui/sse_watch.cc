#include "core/cli/tui/sse_watch.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>

#include "core/cli/client/api_client.h"
#include "core/cli/client/http_client.h"
#include "core/cli/client/sse_reader.h"
#include "core/cli/tui/wake_pipe.h"

namespace phpeek::cli::tui {

struct SseWatch::Shared {
  std::shared_ptr<const WakePipe> wake;
  std::atomic<bool> cancelled{false};
  std::mutex mutex;
  std::vector<StreamNews> news;

  // Queues `batch` and wakes the loop, unless the watch is gone.
  void Post(std::vector<StreamNews> batch) {
    if (batch.empty() || cancelled) return;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (StreamNews& n : batch) news.push_back(std::move(n));
    }
    wake->Notify();
  }
  void Close(std::string why, bool refused = false) {
    StreamNews n;
    n.kind = StreamNews::Kind::kClosed;
    n.why = std::move(why);
    n.refused = refused;
    Post({std::move(n)});
  }
};

namespace {

using client::HttpStream;

// Opens the stream; false (and the news posted) when there is none.
bool OpenStream(SseWatch::Shared* shared, const client::ApiEndpoint& endpoint,
                const std::string& path, const std::string& name, const std::string& last_id,
                HttpStream* stream) {
  client::HttpAddress address;
  std::string err;
  if (!client::ParseHttpAddress(endpoint.url, &address, &err)) {
    shared->Close(err, true);
    return false;
  }
  client::HttpRequest request;
  request.target = path;
  request.accept = "text/event-stream";
  request.bearer_token = endpoint.token;
  if (!last_id.empty()) request.headers.emplace_back("Last-Event-ID", last_id);
  client::HttpResult result;
  if (stream->Open(address, request, client::HttpOptions{}, &result) && stream->is_stream()) {
    return true;
  }
  const client::ApiReply reply = client::ReplyFrom(endpoint, std::move(result));
  if (client::CheckReply(reply, 200, endpoint, name, &err)) {
    err = "the daemon answered without an event stream";
  }
  shared->Close(err, reply.reached);
  return false;
}

// Turns what one read brought into news; false when the stream is over (its kClosed queued).
bool ToNews(const std::vector<client::SseEvent>& events, std::vector<StreamNews>* batch) {
  for (const client::SseEvent& ev : events) {
    StreamNews n;
    if (ev.event == "end" || ev.event == "overflow") {
      n.kind = StreamNews::Kind::kClosed;
      n.why = ev.event == "end" ? "the daemon shut down"
                                : "this client fell behind the stream (" + ev.data + " lost)";
      batch->push_back(std::move(n));
      return false;
    }
    if (!ev.event.empty()) continue;  // a kind this client does not know
    n.id = ev.id;
    n.data = ev.data;
    batch->push_back(std::move(n));
  }
  return true;
}

void FollowSse(std::shared_ptr<SseWatch::Shared> shared, client::ApiEndpoint endpoint,
               std::string path, std::string name, std::string last_id,
               std::chrono::milliseconds linger) {
  HttpStream stream;
  if (!OpenStream(shared.get(), endpoint, path, name, last_id, &stream)) return;
  StreamNews opened;
  opened.kind = StreamNews::Kind::kOpened;
  shared->Post({std::move(opened)});
  client::SseReader reader;
  for (;;) {
    std::string bytes, why;
    const HttpStream::ReadStatus status = stream.Read(linger, &bytes, &why);
    if (shared->cancelled) return;
    std::vector<client::SseEvent> events;
    if (!reader.Feed(bytes, &events)) {
      shared->Close("an event line too long for the reader");
      return;
    }
    std::vector<StreamNews> batch;
    const bool more = ToNews(events, &batch);
    shared->Post(std::move(batch));
    if (!more) return;
    if (status == HttpStream::ReadStatus::kEnd) {
      shared->Close("the daemon closed the connection");
      return;
    }
    if (status == HttpStream::ReadStatus::kFailed) {
      shared->Close("the connection failed: " + why);
      return;
    }
  }
}

}  // namespace

SseWatch::SseWatch(const client::ApiEndpoint& endpoint, const std::string& path,
                   const std::string& name, const std::string& last_event_id,
                   std::chrono::milliseconds linger, std::shared_ptr<const WakePipe> wake)
    : shared_(std::make_shared<Shared>()) {
  shared_->wake = std::move(wake);
  std::thread(FollowSse, shared_, endpoint, path, name, last_event_id, linger).detach();
}

SseWatch::~SseWatch() { shared_->cancelled = true; }

std::vector<StreamNews> SseWatch::Take() {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return std::exchange(shared_->news, {});
}

}  // namespace phpeek::cli::tui
