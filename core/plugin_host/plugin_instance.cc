#include "core/plugin_host/plugin_instance.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "core/crash/crash_handler.h"
#include "core/crash/plugin_registry.h"
#include "core/log/log.h"
#include "core/plugin_host/abi_codes.h"
#include "core/plugin_host/sink.h"

namespace phpeek::plugin_host {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Logs a warning if the hook it guards is still running after the budget, and once more on
// completion with the time it took. Costs one sleeping thread for the duration of a hook.
class BudgetWatch {
 public:
  BudgetWatch(const std::string& plugin, const char* hook, std::chrono::milliseconds budget)
      : plugin_(plugin), hook_(hook), budget_(budget), start_(Clock::now()) {
    watcher_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!done_cv_.wait_for(lock, budget_, [this] { return done_; })) {
        log::Warn("plugin hook is taking longer than its time budget",
                  {{"plugin", plugin_}, {"hook", hook_}, {"budget_ms", budget_.count()}});
      }
    });
  }
  ~BudgetWatch() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    done_cv_.notify_all();
    watcher_.join();
    const int64_t took = MillisSince(start_);
    if (took > budget_.count()) {
      log::Warn("plugin hook exceeded its time budget", {{"plugin", plugin_},
                                                         {"hook", hook_},
                                                         {"took_ms", took},
                                                         {"budget_ms", budget_.count()}});
    }
  }

 private:
  std::string plugin_;
  const char* hook_;
  std::chrono::milliseconds budget_;
  Clock::time_point start_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread watcher_;
};

std::string Describe(int32_t code, const std::string& text) {
  std::string out = text.empty() ? std::string("no message") : text;
  return out + " (" + StatusName(code) + ")";
}

std::string ExceptionText() {
  try {
    throw;
  } catch (const std::exception& e) {
    return std::string("threw a C++ exception across the ABI boundary: ") + e.what();
  } catch (...) {
    return "threw a C++ exception across the ABI boundary";
  }
}

}  // namespace

PluginInstance::PluginInstance(LoadedPlugin plugin, const LifecycleOptions& options)
    : plugin_(std::move(plugin)),
      options_(options),
      crash_id_(
          crash::RegisterPlugin(plugin_.name, reinterpret_cast<const void*>(plugin_.api.init))),
      shared_(std::make_unique<Context>(plugin_.name, options.queue_capacity, crash_id_)),
      context_(shared_->host),
      events_(shared_->events) {
  context_.plugin_name = plugin_.name;
  context_.events = &events_;
}

PluginInstance::~PluginInstance() { Shutdown(); }

bool PluginInstance::Init(Control* control, const GlobalJson* global_json,
                          const std::atomic<bool>* stopping, std::string* err) {
  context_.control = control;
  context_.global_json = global_json;
  context_.host_stopping = stopping;
  const std::string config = "{\"schema\":1,\"global\":" + *global_json->Get() + "}";
  std::string text;
  phpeek_sink sink = StringSink(&text);
  int32_t code = PHPEEK_E_INTERNAL;
  void* self = nullptr;
  try {
    BudgetWatch watch(plugin_.name, "init", options_.budget);
    crash::PluginCall in_plugin(crash_id_);
    code = plugin_.api.init(HostServices(), &context_, config.c_str(), config.size(), &self, &sink);
  } catch (...) {
    text = ExceptionText();
  }
  if (code != PHPEEK_OK) {
    *err = "plugin '" + name() + "' failed to initialise: " + Describe(code, text);
    events_.Stop();
    stage_ = Stage::kDone;
    return false;
  }
  self_ = self;
  stage_ = Stage::kInitialised;
  return true;
}

bool PluginInstance::Start(std::string* err) {
  std::string text;
  phpeek_sink sink = StringSink(&text);
  int32_t code = PHPEEK_E_INTERNAL;
  try {
    BudgetWatch watch(plugin_.name, "start", options_.budget);
    crash::PluginCall in_plugin(crash_id_);
    code = plugin_.api.start(self_, &sink);
  } catch (...) {
    text = ExceptionText();
  }
  if (code != PHPEEK_OK) {
    *err = "plugin '" + name() + "' failed to start: " + Describe(code, text);
    // As the ABI says: a plugin whose start fails undoes its own partial work; it gets destroy.
    Shutdown();
    return false;
  }
  stage_ = Stage::kStarted;
  return true;
}

bool PluginInstance::Shutdown(Clock::time_point deadline) {
  if (stage_ == Stage::kDone || stage_ == Stage::kLoaded) {
    if (!abandoned_) events_.Stop();
    stage_ = Stage::kDone;
    return !abandoned_;
  }
  // Events already queued (the last exits of the shutdown) are delivered first, within the budget
  // and the deadline; then no callback runs during or after stop, so the plugin may free what its
  // callbacks use. A callback that does not return means no stop: it would run beside it.
  const auto now = Clock::now();
  const auto drain =
      std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                 std::chrono::milliseconds(0), options_.budget);
  if (!events_.Stop(drain, std::max(deadline, now + drain + options_.min_wait))) {
    log::Error(
        "plugin event callback did not return by the shutdown deadline; abandoning the plugin "
        "(stop and destroy skipped)",
        {{"plugin", name()}, {"hook", "event"}, {"waited_ms", MillisSince(now)}});
    return Abandon();
  }
  if (stage_ == Stage::kStarted &&
      !CallStop(std::max(deadline, Clock::now() + options_.min_wait))) {
    return Abandon();
  }
  CallDestroy();
  stage_ = Stage::kDone;
  return true;
}

// Its callback or stop is still running and may call the host: what they can reach stays, leaked
// like the library itself.
bool PluginInstance::Abandon() {
  context_.log_follows.CloseAll();  // a thread of it waiting in log_next returns
  (void)shared_.release();
  abandoned_ = true;
  stage_ = Stage::kDone;
  return false;
}

// Runs stop on a helper thread and waits for it until `give_up`. The shared state outlives an
// abandoned helper thread, which may still return later.
bool PluginInstance::CallStop(Clock::time_point give_up) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    int32_t code = PHPEEK_E_INTERNAL;
    std::string error;
  };
  auto shared = std::make_shared<Shared>();
  auto stop = plugin_.api.stop;
  void* self = self_;
  const int crash_id = crash_id_;
  const auto start = Clock::now();
  std::thread([shared, stop, self, crash_id] {
    crash::MarkHostThread();
    crash::EnsureAltStack();
    int32_t code = PHPEEK_E_INTERNAL;
    std::string error;
    try {
      crash::PluginCall in_plugin(crash_id);
      code = stop(self);
    } catch (...) {
      error = ExceptionText();
    }
    std::lock_guard<std::mutex> lock(shared->mu);
    shared->done = true;
    shared->code = code;
    shared->error = std::move(error);
    shared->cv.notify_all();
  }).detach();
  const auto done = [&] { return shared->done; };
  std::unique_lock<std::mutex> lock(shared->mu);
  if (!shared->cv.wait_until(lock, std::min(give_up, start + options_.budget), done)) {
    if (Clock::now() < give_up) {
      log::Warn("plugin hook is taking longer than its time budget",
                {{"plugin", name()}, {"hook", "stop"}, {"budget_ms", options_.budget.count()}});
    }
    if (!shared->cv.wait_until(lock, give_up, done)) {
      log::Error("plugin did not stop by the shutdown deadline; abandoning it (destroy skipped)",
                 {{"plugin", name()}, {"hook", "stop"}, {"waited_ms", MillisSince(start)}});
      return false;
    }
  }
  const int64_t took = MillisSince(start);
  if (took > options_.budget.count()) {
    log::Warn("plugin hook exceeded its time budget", {{"plugin", name()},
                                                       {"hook", "stop"},
                                                       {"took_ms", took},
                                                       {"budget_ms", options_.budget.count()}});
  }
  if (!shared->error.empty() || shared->code != PHPEEK_OK) {
    log::Error("plugin stop failed",
               {{"plugin", name()},
                {"error", shared->error.empty() ? StatusName(shared->code) : shared->error}});
  }
  return true;
}

void PluginInstance::CallDestroy() {
  try {
    BudgetWatch watch(plugin_.name, "destroy", options_.budget);
    crash::PluginCall in_plugin(crash_id_);
    plugin_.api.destroy(self_);
  } catch (...) {
    log::Error("plugin destroy failed", {{"plugin", name()}, {"error", ExceptionText()}});
  }
  self_ = nullptr;
  context_.log_follows.CloseAll();  // log_unfollow was allowed until now
}

}  // namespace phpeek::plugin_host
