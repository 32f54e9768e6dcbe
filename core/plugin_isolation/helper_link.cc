#include "core/plugin_isolation/helper_link.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/plugin_isolation/event_frame.h"
#include "core/plugin_isolation/frame_io.h"
#include "core/plugin_isolation/protocol.h"

namespace phpeek::plugin_isolation {

bool HelperLink::ReadFirst(Frame* out, std::string* err) {
  return ReadFrame(fd_, &decoder_, out, err);
}

void HelperLink::Run(plugin_host::EventDispatcher* events, plugin_host::GlobalJson* global) {
  std::thread([this, events, global] { Read(events, global); }).detach();
}

void HelperLink::Read(plugin_host::EventDispatcher* events, plugin_host::GlobalJson* global) {
  Frame frame;
  std::string err;
  while (ReadFrame(fd_, &decoder_, &frame, &err)) Route(frame, events, global);
  if (!err.empty())
    std::fprintf(stderr, "phpeek-pm plugin-host: link to the daemon: %s\n", err.c_str());
  // The daemon closed the link (it stops or restarts this helper): nothing may outlive that.
  std::_Exit(1);
}

void HelperLink::Route(const Frame& frame, plugin_host::EventDispatcher* events,
                       plugin_host::GlobalJson* global) {
  switch (frame.kind) {
    case kReply: {
      FieldReader r(frame);
      const auto code = static_cast<int32_t>(r.Int());
      std::string out = r.Str();
      std::string err = r.Str();
      const int64_t extra = frame.fields.size() > 3 ? r.Int() : 0;
      std::lock_guard<std::mutex> lock(mu_);
      const auto it = pending_.find(frame.id);
      if (it == pending_.end()) return;
      it->second->code = r.ok() ? code : PHPEEK_E_INTERNAL;
      it->second->out = std::move(out);
      it->second->err = r.ok() ? std::move(err) : "malformed reply from the daemon";
      it->second->extra = r.ok() ? extra : 0;
      it->second->done = true;
      cv_.notify_all();
      return;
    }
    case kEvent:
      if (auto event = EventFromFrame(frame)) events->Push(event);
      return;
    case kGlobal: {  // before its CONFIG_RELOADED: config_get_* answer the new block from then on
      FieldReader r(frame);
      std::string text = r.Str();
      if (r.ok()) global->Set(std::move(text));
      return;
    }
    case kPing:
      Reply(frame.id, PHPEEK_OK, "");
      return;
    case kStop: {
      FieldReader r(frame);
      const int64_t drain = r.Int();
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      stop_id_ = frame.id;
      drain_ms_ = r.ok() ? drain : 0;
      cv_.notify_all();
      return;
    }
    default:
      return;
  }
}

int32_t HelperLink::Call(Frame request, std::string* out, std::string* err, int64_t* extra) {
  Pending pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    request.id = next_id_++;
    pending_[request.id] = &pending;
  }
  Send(request);
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return pending.done; });
  pending_.erase(request.id);
  *out = std::move(pending.out);
  *err = std::move(pending.err);
  if (extra != nullptr) *extra = pending.extra;
  return pending.code;
}

void HelperLink::Send(const Frame& frame) {
  const std::string bytes = EncodeFrame(frame);
  std::lock_guard<std::mutex> lock(write_mu_);
  WriteAll(fd_, bytes);
}

void HelperLink::Reply(uint64_t id, int32_t code, const std::string& err) {
  Frame f(kReply, id);
  f.Int(code).Str("").Str(err);
  Send(f);
}

void HelperLink::WaitForStop(uint64_t* id, int64_t* drain_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return stop_; });
  *id = stop_id_;
  *drain_ms = drain_ms_;
}

}  // namespace phpeek::plugin_isolation
