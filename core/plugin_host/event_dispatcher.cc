#include "core/plugin_host/event_dispatcher.h"

#include <exception>
#include <utility>

#include "core/crash/crash_handler.h"
#include "core/crash/plugin_registry.h"
#include "core/json/json_writer.h"
#include "core/log/log.h"
#include "core/plugin_host/abi_codes.h"

namespace phpeek::plugin_host {
namespace {

thread_local bool t_on_dispatch_thread = false;

std::string DetailJson(const Event& e) {
  json::Writer w;
  w.BeginObject().Key("schema").Int(1);
  if (!e.instance.empty()) w.Key("instance").String(e.instance);
  if (e.type == EventType::kStateChanged) {
    w.Key("old_state").String(e.old_state).Key("new_state").String(e.new_state);
  }
  if (e.type == EventType::kExited || e.type == EventType::kHookFinished) {
    w.Key("exit_code").Int(e.exit_code).Key("signal").Int(e.signal);
    if (!e.ended_by.empty()) w.Key("ended_by").String(e.ended_by);
  }
  if (e.type == EventType::kHealthChanged) {
    w.Key("old_health").String(e.old_state).Key("new_health").String(e.new_state);
    w.Key("check").String(e.check_type).Key("mode").String(e.check_mode);
    w.Key("reason").String(e.reason).Key("restart").Bool(e.restart).Key("ready").Bool(e.ready);
  }
  if (e.type == EventType::kHookFinished) {
    w.Key("hook").String(e.hook).Key("hook_type").String(e.hook_type);
    w.Key("result").String(e.hook_result).Key("attempts").Int(e.attempts);
    w.Key("duration_ms").Int(e.duration_ms);
  }
  if (e.type == EventType::kDependencyBlocked) {
    w.Key("dependency").String(e.dependency).Key("reason").String(e.reason);
    w.Key("waiting_for").BeginArray();
    for (const std::string& name : e.waiting) w.String(name);
    w.EndArray();
  }
  const bool run_finished = e.type == EventType::kJobRunFinished;
  if (e.type == EventType::kJobRunStarted || run_finished) {
    w.Key("run_id").Int(e.run_id).Key("trigger").String(e.run_trigger);
  }
  if (run_finished) {
    w.Key("result").String(e.run_result).Key("duration_ms").Int(e.duration_ms);
    w.Key("exit_code").Int(e.exit_code).Key("signal").Int(e.signal);
  }
  if (e.type == EventType::kConfigReloaded) {
    w.Key("global").Raw(e.global_json.empty() ? "{}" : e.global_json);
    w.Key("reload").Raw(e.reload_json.empty() ? "{}" : e.reload_json);
  }
  w.EndObject();
  return w.Take();
}

}  // namespace

std::shared_ptr<const AbiEvent> ToAbiEvent(const Event& e) {
  auto out = std::make_shared<AbiEvent>();
  out->type = ToAbiEventType(e.type);
  out->since_minor = AbiEventMinor(e.type);
  out->seq = e.seq;
  out->unix_ms = e.unix_ms;
  out->process = e.process;
  out->instance = e.instance;
  const bool run = e.type == EventType::kJobRunStarted || e.type == EventType::kJobRunFinished;
  const bool has_pid = run || e.type == EventType::kSpawned || e.type == EventType::kExited ||
                       e.type == EventType::kHealthChanged;
  out->pid = has_pid ? e.pid : 0;
  const bool has_exit = e.type == EventType::kExited || e.type == EventType::kHookFinished ||
                        e.type == EventType::kJobRunFinished;
  out->exit_code = has_exit ? e.exit_code : -1;
  out->signal = has_exit ? e.signal : 0;
  if (e.type == EventType::kStateChanged) {
    out->old_state = ToAbiState(e.old_state);
    out->new_state = ToAbiState(e.new_state);
  }
  if (e.type == EventType::kHealthChanged) {
    out->old_state = ToAbiHealth(e.old_state);
    out->new_state = ToAbiHealth(e.new_state);
  }
  out->detail_json = DetailJson(e);
  return out;
}

EventDispatcher::EventDispatcher(std::string plugin_name, size_t queue_capacity, int crash_id)
    : plugin_name_(std::move(plugin_name)),
      capacity_(queue_capacity == 0 ? 1 : queue_capacity),
      crash_id_(crash_id) {}

EventDispatcher::~EventDispatcher() { Stop(); }

bool EventDispatcher::OnDispatchThread() { return t_on_dispatch_thread; }

int32_t EventDispatcher::Subscribe(uint32_t mask, phpeek_event_fn fn, void* user,
                                   uint64_t* out_id) {
  if (fn == nullptr || mask == 0) return PHPEEK_E_INVALID_ARGUMENT;
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return PHPEEK_E_STOPPING;
  const uint64_t id = next_id_++;
  Subscription& sub = subs_[id];
  sub.mask = mask;
  sub.fn = fn;
  sub.user = user;
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  if (out_id != nullptr) *out_id = id;
  return PHPEEK_OK;
}

int32_t EventDispatcher::Unsubscribe(uint64_t id) {
  std::unique_lock<std::mutex> lock(mu_);
  if (subs_.erase(id) == 0) return PHPEEK_E_NOT_FOUND;
  if (!t_on_dispatch_thread) idle_.wait(lock, [&] { return running_ != id; });
  return PHPEEK_OK;
}

void EventDispatcher::Push(const std::shared_ptr<const AbiEvent>& event) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    for (auto& [id, sub] : subs_) {
      if (event->type >= 32 || (sub.mask & (1u << event->type)) == 0) continue;
      if (sub.queue.size() >= capacity_) {
        sub.queue.pop_front();
        ++sub.dropped;
        ++dropped_total_;
      }
      sub.queue.push_back(event);
      wake = true;
    }
  }
  if (wake) wake_.notify_one();
}

bool EventDispatcher::Stop(std::chrono::milliseconds drain_for,
                           std::chrono::steady_clock::time_point give_up) {
  const bool other_thread = thread_.joinable() && thread_.get_id() != std::this_thread::get_id();
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return !abandoned_;
    if (thread_.joinable() && drain_for.count() > 0) {
      idle_.wait_for(lock, drain_for, [&] { return running_ == 0 && NextReady() == subs_.end(); });
    }
    stopping_ = true;
    for (auto& entry : subs_) entry.second.queue.clear();
    const auto returned = [&] { return running_ == 0; };
    if (other_thread && give_up != std::chrono::steady_clock::time_point::max() &&
        !idle_.wait_until(lock, give_up, returned)) {
      abandoned_ = true;
      thread_.detach();  // it leaves the loop (stopping_) if the callback ever returns
      return false;
    }
  }
  wake_.notify_all();
  if (other_thread) thread_.join();
  return true;
}

uint64_t EventDispatcher::dropped_total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_total_;
}

std::map<uint64_t, EventDispatcher::Subscription>::iterator EventDispatcher::NextReady() {
  auto best = subs_.end();
  for (auto it = subs_.begin(); it != subs_.end(); ++it) {
    if (it->second.queue.empty()) continue;
    if (best == subs_.end() || it->second.queue.front()->seq < best->second.queue.front()->seq) {
      best = it;
    }
  }
  return best;
}

void EventDispatcher::Run() {
  t_on_dispatch_thread = true;
  crash::MarkHostThread();
  crash::EnsureAltStack();
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || NextReady() != subs_.end(); });
    if (stopping_) break;
    auto it = NextReady();
    std::shared_ptr<const AbiEvent> event = std::move(it->second.queue.front());
    it->second.queue.pop_front();
    const uint32_t dropped = std::exchange(it->second.dropped, 0);
    const phpeek_event_fn fn = it->second.fn;
    void* const user = it->second.user;
    running_ = it->first;
    lock.unlock();
    Deliver(fn, user, *event, dropped);
    lock.lock();
    running_ = 0;
    idle_.notify_all();
  }
}

void EventDispatcher::Deliver(phpeek_event_fn fn, void* user, const AbiEvent& e, uint32_t dropped) {
  if (dropped > 0) {
    log::Warn("plugin event queue overflowed; oldest events dropped",
              {{"plugin", plugin_name_}, {"dropped", dropped}});
  }
  phpeek_event ev{};
  ev.struct_size = sizeof ev;
  ev.type = e.type;
  ev.seq = e.seq;
  ev.unix_ms = e.unix_ms;
  ev.process = e.process.c_str();
  ev.instance = e.instance.c_str();
  ev.pid = e.pid;
  ev.exit_code = e.exit_code;
  ev.signal = e.signal;
  ev.old_state = e.old_state;
  ev.new_state = e.new_state;
  ev.dropped = dropped;
  ev.detail_json = e.detail_json.c_str();
  try {
    crash::PluginCall in_plugin(crash_id_);
    fn(user, &ev);
  } catch (const std::exception& ex) {
    log::Error("plugin event callback threw across the ABI boundary",
               {{"plugin", plugin_name_}, {"error", ex.what()}});
  } catch (...) {
    log::Error("plugin event callback threw across the ABI boundary", {{"plugin", plugin_name_}});
  }
}

}  // namespace phpeek::plugin_host
