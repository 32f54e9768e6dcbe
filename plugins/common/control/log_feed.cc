#include "plugins/common/control/log_feed.h"

#include <algorithm>
#include <utility>

#include "phpeek/json.hpp"
#include "plugins/common/control/sse_text.h"

namespace phpeek::control {
namespace {

// The follow's own queue (the most log_follow allows): room for the hub to fall behind a burst.
constexpr uint32_t kFollowQueueLines = 100000;
// Lines per page of history while a client catches up.
constexpr uint32_t kCatchUpPage = 500;

uint64_t Seq(const json::Value& entry) {
  const json::Read<int64_t> seq = entry["seq"].AsInt64();
  return seq.ok() && seq.value > 0 ? static_cast<uint64_t>(seq.value) : 0;
}

BackendResult Unreadable(const std::string& err) {
  return {BackendCode::kInternal, "the daemon sent an unreadable log answer (" + err + ")"};
}

}  // namespace

BackendResult LogFeed::Open(std::unique_ptr<SseClient>* client, LogQuery query, bool resume) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || ended_) return {BackendCode::kStopping, "the daemon is shutting down"};
  if (follow_id_ == 0) {
    uint64_t id = 0;
    const BackendResult r = backend_->FollowLogs(kFollowQueueLines, &id);
    if (r.code != BackendCode::kOk) return r;
    follow_id_ = id;
    on_follow_();
  }
  if (resume && query.since > 0) {
    std::string json;
    json::Document doc;
    if (backend_->ReadLogs(LogQuery{"", "", 0, 1}, &json).code == BackendCode::kOk &&
        doc.Parse(json)) {
      const auto newest = static_cast<uint64_t>(doc.root()["newest_seq"].AsInt64().value_or(0));
      if (query.since > newest) query.since = 0;  // an earlier daemon's id: start over
    }
  }
  Client c{std::move(*client), query.process, query.instance, query.since, false};
  if (query.since != 0) query.limit = kCatchUpPage;
  const BackendResult r = SendPage(&c, query);
  if (r.code != BackendCode::kOk) {
    *client = std::move(c.sse);
    return r;
  }
  clients_.push_back(std::move(c));
  return {};
}

BackendResult LogFeed::SendPage(Client* c, const LogQuery& query) {
  std::string json, err;
  const BackendResult r = backend_->ReadLogs(query, &json);
  if (r.code != BackendCode::kOk) return r;
  json::Document doc;
  if (!doc.Parse(json, &err)) return Unreadable(err);
  const json::Value entries = doc.root()["entries"];
  if (!entries.is_array()) return Unreadable("no entries");
  const bool more = doc.root()["more"].AsBool().value_or(false);
  const uint64_t newest = static_cast<uint64_t>(doc.root()["newest_seq"].AsInt64().value_or(0));
  SseBatch batch(c->sse.get());
  uint64_t first = 0, last = 0;
  for (const json::Value e : entries.items()) {
    const uint64_t seq = Seq(e);
    if (seq == 0) continue;
    if (first == 0) first = seq;
    last = seq;
    if (!batch.Add(seq, e.text())) break;
  }
  batch.Flush();
  if (batch.full()) {  // its queue is full: go on from the last line it took, once it has room
    c->cursor = batch.last_written() != 0 ? batch.last_written() : first - 1;
    c->catching_up = true;
  } else if (batch.ok()) {
    const bool last_page = query.since == 0 || !more;
    c->cursor = last_page ? std::max(newest, last) : last;
    c->catching_up = !last_page;
  }
  return {};
}

bool LogFeed::Pump(std::chrono::milliseconds wait) {
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The follow was lost (an error below): take a new one while clients need it.
    if (follow_id_ == 0 && !clients_.empty() && !stopping_ && !ended_ &&
        backend_->FollowLogs(kFollowQueueLines, &follow_id_).code != BackendCode::kOk) {
      follow_id_ = 0;
    }
    id = follow_id_;
  }
  if (id == 0) return false;
  std::string json;
  const BackendResult r = backend_->NextLogs(id, wait, &json);
  std::lock_guard<std::mutex> lock(mu_);
  if (follow_id_ != id) return true;  // Stop
  json::Document doc;
  if (r.code != BackendCode::kOk || !doc.Parse(json) || !doc.root()["entries"].is_array()) {
    // The follow is lost with whatever it held: the live clients cannot be told what they miss.
    follow_id_ = 0;
    OverflowLive(0);
    return true;
  }
  std::vector<Line> lines;
  uint64_t last = 0;
  for (const json::Value e : doc.root()["entries"].items()) {
    const uint64_t seq = Seq(e);
    if (seq == 0) continue;
    Line line{seq, e["process"].AsString().value_or(""), e["instance"].AsString().value_or(""), ""};
    AppendSseEvent(&line.framed, seq, e.text());
    lines.push_back(std::move(line));
    last = seq;
  }
  Deliver(lines, last);
  // The follow dropped lines (this thread fell behind): every live client missed them. They
  // learn it, and resume with Last-Event-ID from what the daemon still keeps.
  if (const int64_t dropped = doc.root()["dropped"].AsInt64().value_or(0); dropped > 0) {
    OverflowLive(static_cast<uint64_t>(dropped));
  }
  if (doc.root()["closed"].AsBool().value_or(false)) {
    follow_id_ = 0;
    ended_ = true;  // only the daemon's shutdown closes a follow we did not end
    for (Client& c : clients_) c.sse->End("\"the daemon is shutting down\"");
    clients_.clear();
  }
  return true;
}

void LogFeed::Deliver(const std::vector<Line>& lines, uint64_t last_seq) {
  for (Client& c : clients_) {
    if (c.catching_up || c.sse->closed()) continue;
    SseBatch batch(c.sse.get());
    for (const Line& l : lines) {
      if (l.seq <= c.cursor) continue;  // sent with a page of history
      if (!c.process.empty() && l.process != c.process) continue;
      if (!c.instance.empty() && l.instance != c.instance) continue;
      batch.AddFramed(l.seq, l.framed);
    }
    batch.Flush();
    if (batch.full()) {
      c.sse->Overflow(batch.lost());
      continue;
    }
    c.cursor = std::max(c.cursor, last_seq);
  }
}

void LogFeed::OverflowLive(uint64_t dropped) {
  for (Client& c : clients_) {
    if (!c.catching_up) c.sse->Overflow(dropped);
  }
}

bool LogFeed::CatchUp() {
  std::lock_guard<std::mutex> lock(mu_);
  bool any = false;
  for (Client& c : clients_) {
    if (!c.catching_up || c.sse->closed()) continue;
    if (c.sse->HasRoom() &&
        SendPage(&c, LogQuery{c.process, c.instance, c.cursor, kCatchUpPage}).code !=
            BackendCode::kOk) {
      c.catching_up = false;  // e.g. the instance is gone with its lines: live from here
    }
    any = any || c.catching_up;
  }
  return any;
}

SseClock::time_point LogFeed::Heartbeat(SseClock::time_point now,
                                        std::chrono::milliseconds interval) {
  std::lock_guard<std::mutex> lock(mu_);
  SseClock::time_point next = SseClock::time_point::max();
  for (Client& c : clients_) next = std::min(next, c.sse->Heartbeat(now, interval));
  return next;
}

void LogFeed::Reap() {
  std::lock_guard<std::mutex> lock(mu_);
  clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                [](const Client& c) { return c.sse->closed(); }),
                 clients_.end());
  if (clients_.empty() && follow_id_ != 0) {
    backend_->UnfollowLogs(follow_id_);
    follow_id_ = 0;
  }
}

void LogFeed::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  if (follow_id_ != 0) backend_->UnfollowLogs(follow_id_);
  follow_id_ = 0;
}

void LogFeed::CloseAll(const std::string& end_data) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Client& c : clients_) {
    if (end_data.empty()) {
      c.sse->Close();
    } else {
      c.sse->End(end_data);
    }
  }
  clients_.clear();
}

size_t LogFeed::clients() const {
  std::lock_guard<std::mutex> lock(mu_);
  return clients_.size();
}

}  // namespace phpeek::control
