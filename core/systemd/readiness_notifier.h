// Tells systemd how the daemon is doing, over the sd_notify protocol (notify.h): READY=1 once
// every process that is meant to run at start-up has started for the first time, STOPPING=1 when
// the shutdown begins, and WATCHDOG=1 at half the unit's WatchdogSec. Outside a Type=notify unit
// (no $NOTIFY_SOCKET, e.g. PID 1 in a container) every method does nothing and no thread starts.
//
// A process has started once each of its instances reached `running` (a longrun) or `completed`
// (a oneshot) or was given up (`failed`), or once the process as a whole is running, completed,
// failed or stopped (an API stop or scale-down before readiness). Given-up instances count so
// that one broken worker does not hold the whole unit in "activating" until systemd kills it;
// STATUS= then says how many instances failed. A process waiting behind a failed depends_on never
// starts, so the unit then fails its start timeout, which is the right outcome.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/config/config.h"
#include "core/supervisor/control.h"
#include "core/systemd/notify.h"

namespace phpeek::systemd {

class ReadinessNotifier : public EventListener {
 public:
  // The config must outlive the notifier. Removes NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID
  // from the environment (after `notifier` has read them), so build it before the Supervisor.
  explicit ReadinessNotifier(const config::Config& config, Notifier notifier = Notifier());
  ~ReadinessNotifier() override;
  ReadinessNotifier(const ReadinessNotifier&) = delete;
  ReadinessNotifier& operator=(const ReadinessNotifier&) = delete;

  // Right before the supervisor runs: starts the watchdog thread when systemd asked for one,
  // and reports READY=1 at once when no process is meant to start.
  void Begin();
  // After the supervisor has returned: STOPPING=1 (if not sent yet), watchdog thread joined.
  void End();

  // Supervisor loop thread.
  void OnEvent(const Event& event) override;

  bool ready_sent() const { return ready_sent_; }

 private:
  void OnProcessState(const Event& event);
  void OnInstanceState(const Event& event);
  void Settle(const std::string& process);
  void SendReady();
  void WatchdogLoop();
  void StopWatchdog();

  const Notifier notifier_;
  // Processes that have not started yet -> their instances that have not either.
  std::map<std::string, std::set<std::string>> pending_;
  int failed_ = 0;  // instances given up before readiness
  int total_ = 0;   // processes awaited
  bool ready_sent_ = false;
  bool stopping_sent_ = false;

  std::mutex mu_;
  std::condition_variable wake_;
  bool quit_ = false;  // guarded by mu_
  std::thread watchdog_;
};

}  // namespace phpeek::systemd
