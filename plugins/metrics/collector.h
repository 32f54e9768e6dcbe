// Collector: turns the host's event stream into the counters a snapshot cannot give, namely
// phpeek_pm_process_restarts_total{name,reason}.
//
// A restart is counted when an instance is spawned again after a run of it ended, which is
// exactly when the core increments the instance's restart_count (so the reasons add up to the
// restart_count the Management API shows). The reason is decided by how the previous run ended:
//   - `manual`: the run was ended on purpose (it exited while `stopping`: API restart or stop), or
//     the instance was at rest (stopped, failed, completed) before this spawn, so a command
//     brought it back;
//   - otherwise `normal_exit` for exit status 0 without a signal, `crash` for anything else.
// An exit that is not followed by a spawn (scale-down, stop, shutdown, given up) counts nothing
// yet. `health_check`: the supervisor stopped the run for failing its liveness check (the EXITED
// event's detail says "ended_by":"health_check", ABI 1.1).
//
// Threads: OnEvent runs on the plugin's event dispatch thread and only updates small maps under a
// mutex, so it returns at once; the read accessors run on HTTP threads during a scrape.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "phpeek/plugin_abi.h"

namespace phpeek::metrics {

enum RestartReason { kCrash = 0, kNormalExit, kHealthCheck, kManual, kRestartReasonCount };

// The label value of each reason, in enum order.
const char* RestartReasonName(int reason);

using RestartCounts = std::array<uint64_t, kRestartReasonCount>;

class Collector {
 public:
  void OnEvent(const phpeek_event& ev);

  // Restart counts of one process (all zero when none were seen). O(1).
  RestartCounts Restarts(const std::string& process) const;
  // Forgets instances that are not in `live` (the ids of the latest snapshot): an instance removed
  // by scale-down and created again later starts afresh, as it does in the core. O(tracked).
  void Retain(const std::unordered_set<std::string>& live);
  // Events the host dropped on our queue; restarts in them may be missing from the counters.
  uint64_t dropped_events() const;

 private:
  struct InstanceTrack {
    int32_t state = PHPEEK_STATE_UNKNOWN;
    int pending_reason = -1;  // set by an exit, counted by the next spawn
  };

  void OnStateChanged(const phpeek_event& ev);
  void OnExited(const phpeek_event& ev);
  void OnSpawned(const phpeek_event& ev);

  mutable std::mutex mu_;
  std::unordered_map<std::string, InstanceTrack> instances_;  // by instance id; guarded by mu_
  std::unordered_map<std::string, RestartCounts> restarts_;   // by process name; guarded by mu_
  uint64_t dropped_ = 0;                                      // guarded by mu_
};

}  // namespace phpeek::metrics
