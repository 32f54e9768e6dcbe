// Tells systemd how the daemon is doing, over the sd_notify protocol (notify.h): READY=1 once
// every process that is meant to run at start-up has started for the first time, STOPPING=1 when
// the shutdown begins, and WATCHDOG=1 at half the unit's WatchdogSec. The watchdog ping is sent
// by the supervisor loop itself (a loop timer calls PingWatchdog), never by a thread of its own:
// a wedged loop then stops pinging and systemd restarts the service, which is the point of the
// watchdog. Outside a Type=notify unit (no $NOTIFY_SOCKET, e.g. PID 1 in a container) every method
// does nothing.
//
// A process has started once each of its instances reached `running` (a longrun) or `completed`
// (a oneshot) or was given up (`failed`), or once the process as a whole is running, completed,
// failed or stopped (an API stop or scale-down before readiness). Given-up instances count so
// that one broken worker does not hold the whole unit in "activating" until systemd kills it;
// STATUS= then says how many instances failed. A process waiting behind a failed depends_on never
// starts, so the unit then fails its start timeout, which is the right outcome.
//
// With `global.readiness.enabled`, READY=1 waits for the daemon's readiness instead (every tracked
// process ready: healthy where a readiness check decides; lifecycle.md, "Readiness"), so that
// units ordered After= this one start once the stack serves, not once it was spawned.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "core/config/config.h"
#include "core/supervisor/control.h"
#include "core/systemd/notify.h"

namespace phpeek::systemd {

class ReadinessNotifier : public EventListener {
 public:
  // The config must outlive the notifier. Removes NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID
  // from the environment (after `notifier` has read them), so build it before the Supervisor.
  explicit ReadinessNotifier(const config::Config& config, Notifier notifier = Notifier());
  ReadinessNotifier(const ReadinessNotifier&) = delete;
  ReadinessNotifier& operator=(const ReadinessNotifier&) = delete;

  // Right before the supervisor runs: reports READY=1 at once when no process is meant to start.
  void Begin();
  // After the supervisor has returned: STOPPING=1, if not sent yet.
  void End();

  // How often the loop must call PingWatchdog (half of WatchdogSec); zero when systemd asked for
  // no watchdog (then nothing needs to wake the loop for it).
  std::chrono::milliseconds watchdog_interval() const;
  // Supervisor loop thread: WATCHDOG=1.
  void PingWatchdog();

  // Supervisor loop thread.
  void OnEvent(const Event& event) override;

  bool ready_sent() const { return ready_sent_; }

 private:
  void OnReadiness(const Event& event);
  void OnProcessState(const Event& event);
  void OnInstanceState(const Event& event);
  void Settle(const std::string& process);
  void SendReady();

  const Notifier notifier_;
  // Processes that have not started yet -> their instances that have not either.
  std::map<std::string, std::set<std::string>> pending_;
  int failed_ = 0;  // instances given up before readiness
  int total_ = 0;   // processes awaited
  const bool wait_for_readiness_;
  bool ready_sent_ = false;
  bool stopping_sent_ = false;
};

}  // namespace phpeek::systemd
