// Builds the metric families of one scrape from the process snapshot, the collector's restart
// counters and the /proc readings. Pure: the caller gathers the inputs, RenderText() prints them.
//
// Series exist only for what the snapshot lists at this scrape: an instance removed by scale-down
// or a process removed from the config disappears from the next scrape (the original PHPeek PM
// kept such series forever). Names, types and label names follow the original's dashboards.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "plugins/metrics/collector.h"
#include "plugins/metrics/exposition.h"
#include "plugins/metrics/proc_stats.h"
#include "plugins/metrics/snapshot.h"

namespace phpeek::metrics {

struct DaemonInfo {
  std::string version;  // phpeek_pm_build_info{version}
  // The daemon's own start, unix seconds; unset when procfs could not tell (the series is then
  // omitted rather than published as 0).
  std::optional<double> start_time_seconds;
};

// The process groups to read from /proc: the pid of every instance that has a live process.
std::unordered_set<pid_t> LiveGroups(const std::vector<ProcessSnapshot>& processes);

// The ids of every instance in the snapshot (for Collector::Retain).
std::unordered_set<std::string> InstanceIds(const std::vector<ProcessSnapshot>& processes);

// The index in an instance id "<name>-<index>"; nullopt when the id has another shape.
std::optional<int64_t> InstanceIndex(const std::string& process, const std::string& id);

// The exit code to publish: the exit status, or 128 + N for an instance killed by signal N
// (the shell's convention). Unset when the instance never exited.
std::optional<int64_t> PublishedExitCode(const InstanceSnapshot& inst);

// phpeek_pm_process_desired_scale: the instances the supervisor means to keep running, so that
// "current < desired" means something is wrong. The host's process list gives `scale` (the
// configured or API count) but no enabled/held flags, so it is derived from the instance states
// (a scheduled job has none: 0): instances below `scale` count unless `stopped` (held: disabled,
// initial_state: stopped, a stop command; or ended as its restart policy wanted) or
// `completed` (a oneshot that is done). `failed` counts: it should run and was given up.
int64_t DesiredScale(const ProcessSnapshot& process);

std::vector<Family> BuildFamilies(const std::vector<ProcessSnapshot>& processes,
                                  const Collector& collector,
                                  const std::unordered_map<pid_t, GroupUsage>& usage,
                                  const DaemonInfo& daemon);

}  // namespace phpeek::metrics
