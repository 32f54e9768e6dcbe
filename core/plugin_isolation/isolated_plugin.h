// A plugin with `isolation: process`, seen from the daemon: it runs in a plugin-host helper
// (plugin_host_main.h) and the daemon keeps one link thread per plugin that
//  - starts the helper (helper_process.h; spawned at the daemon's own priority, spawn_thread.h)
//    and sends it kStart; Start waits for the first answer:
//    the plugin's refusal fails the daemon's start as in-process, a crash does not;
//  - serves the helper's host-service requests with the daemon's own services table
//    (host_requests.h); a request that may wait (job_control, job_wait, config_reload) gets a
//    thread of its own; a log_next that waits for lines is answered by this thread when they come
//    or its time is up (no thread per waiting call: a plugin may follow many streams); the
//    plugin's log follows end with its helper;
//  - forwards events: Push (the supervisor loop) only appends to a bounded queue (the oldest is
//    dropped when it is full, with a warning) and wakes the link thread through an eventfd, so
//    the loop never waits for a helper; the socket is non-blocking on the daemon's side;
//  - pings the helper: one that does not answer within the hang timeout is killed;
//  - when the helper ends (crash, exit, kill) logs it with the plugin's name and how it ended, and
//    starts a new one after the restart backoff of global.restart_backoff_initial/_max (reset
//    after a run of global.min_uptime), for as long as the daemon runs;
//  - at Shutdown sends kStop and waits until the shutdown deadline (at least min_wait); past it
//    the helper is killed (an error names the plugin; Shutdown returns false, so the daemon exits
//    1 as it does for an abandoned in-process plugin).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/plugin_host/hosted_plugin.h"
#include "core/plugin_host/plugin_instance.h"
#include "core/plugin_host/plugin_loader.h"
#include "core/plugin_isolation/frame.h"
#include "core/plugin_isolation/spawn_thread.h"

namespace phpeek::plugin_isolation {

using Millis = std::chrono::milliseconds;

struct IsolationOptions {
  Millis backoff_initial{1000};  // global.restart_backoff_initial
  Millis backoff_max{60000};     // global.restart_backoff_max
  Millis min_uptime{1000};       // global.min_uptime: a run this long resets the backoff
  Millis ping_every{2000};
  Millis hang_timeout{10000};  // no answer to a ping for this long: the helper is killed
};

class IsolatedPlugin : public plugin_host::HostedPlugin {
 public:
  IsolatedPlugin(plugin_host::LoadedPlugin plugin, const plugin_host::LifecycleOptions& lifecycle,
                 const IsolationOptions& isolation);
  ~IsolatedPlugin() override;

  bool Init(Control* control, const plugin_host::GlobalJson* global_json,
            const std::atomic<bool>* stopping, std::string* err) override;
  bool Start(std::string* err) override;
  bool Shutdown(Clock::time_point deadline) override;
  void Push(const std::shared_ptr<const plugin_host::AbiEvent>& event) override;
  const std::string& name() const override { return plugin_.name; }

  struct Shared;  // what the link thread and its request threads share (isolated_plugin.cc)

 private:
  enum class First { kWaiting, kStarted, kRefused, kEnded };
  struct Helper;
  void Link();
  // One helper's life: true when it ended because the daemon stops.
  bool RunHelper(Helper* helper);
  void Handle(Helper* helper, const Frame& frame);
  bool DeferNext(Helper* helper, const Frame& frame);
  void AnswerNexts(Helper* helper);
  void Collect(Helper* helper);
  void Watch(Helper* helper);
  void Kill(Helper* helper, const char* why);
  bool Flush(Helper* helper);
  bool Receive(Helper* helper);
  int WaitMs(const Helper& helper) const;
  bool Backoff(Millis delay);  // false when told to quit while waiting
  void ReportFirst(First outcome, const std::string& err = "");

  plugin_host::LoadedPlugin plugin_;
  plugin_host::LifecycleOptions lifecycle_;
  IsolationOptions isolation_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<SpawnThread> spawner_;  // made by Start; outlives link_ (declared before it)
  std::thread link_;
  std::mutex mu_;
  std::condition_variable cv_;
  First first_ = First::kWaiting;  // guarded by mu_
  std::string first_error_;        // guarded by mu_
  bool quit_ = false;              // guarded by mu_
  Clock::time_point deadline_{};   // guarded by mu_: the shutdown deadline, once quit_
  bool clean_ = true;              // set by the link thread before it ends
  bool done_ = false;
};

}  // namespace phpeek::plugin_isolation
