// The per-process diff of a reload (lifecycle.md "Reload"): a pure function of the running
// configuration and the new one, so that what a reload does can be tested without a daemon.
//
// Per process, by name:
//  - added: only in the new file; started, dependencies respected.
//  - removed: only in the running one; stopped in reverse dependency order, gone from the list.
//  - restarted: what the spawn is made of changed (command, env, user, group, working_dir, type,
//    stdout/stderr forwarding), or the process became a scheduled job or stopped being one: a
//    rolling restart (a job: the new settings from its next run; its runs in flight go on).
//  - scaled: only `scale` changed: instances are added or retired, nothing restarts.
//  - updated: only what is read at the next event changed (health check, hooks, shutdown,
//    schedule settings, restart policy, min_uptime, depends_on, max_scale, critical, enabled,
//    initial_state, logging, php_fpm_status, reload_signal, forward_signals, config_test): applied
//    without a restart (supervisord #214). A restarted process's config_test (the new one) runs
//    first: when it fails, its running instances are kept as they are.
//  - unchanged: untouched, same pids.
// Positions in the file (line, column) never count as a change: moving a block is not editing it.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"

namespace phpeek::reload {

enum class ChangeKind { kAdded, kRemoved, kRestarted, kScaled, kUpdated, kUnchanged };

const char* ToString(ChangeKind kind);

struct ProcessChange {
  std::string name;
  ChangeKind kind = ChangeKind::kUnchanged;
  // kRestarted, kUpdated: the keys that differ ("command", "env", "health_check", ...), for the
  // log; kScaled also when scale changed together with other keys.
  std::vector<std::string> keys;
  bool scale_changed = false;  // with kRestarted or kUpdated: the instance count changes too
};

struct ConfigDiff {
  // The new file's processes in its order, then the removed ones in the old file's order.
  std::vector<ProcessChange> processes;
  // `global:` keys whose value changed (top-level names, sorted), from the normal form.
  std::vector<std::string> global_keys;
  bool global_hooks_changed = false;

  std::vector<std::string> Names(ChangeKind kind) const;
  size_t Count(ChangeKind kind) const;
  // Nothing at all differs.
  bool empty() const;
};

ConfigDiff DiffConfigs(const config::Config& before, const config::Config& after);

// The keys of the process that differ between `a` and `b` (same name), sorted by kind: the first
// list restarts, the second is applied in place. `scale` is in neither.
struct SpecDelta {
  std::vector<std::string> restart;
  std::vector<std::string> update;
  bool scale = false;
};
SpecDelta CompareSpecs(const config::ProcessSpec& a, const config::ProcessSpec& b);

// True when the two hook lists are the same hooks (positions aside).
bool SameHooks(const config::LifecycleHooks& a, const config::LifecycleHooks& b);

}  // namespace phpeek::reload
