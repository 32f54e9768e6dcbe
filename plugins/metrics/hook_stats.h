// Counts of the lifecycle hooks' runs, from the host's HOOK_FINISHED events (ABI 1.1):
//   phpeek_pm_hook_executions_total{name,type,status,process}  counter, status success|failure
//   phpeek_pm_hook_duration_seconds{name,type,process}          histogram
// Names, types, label names and buckets are the original's; `process` is added ("" for a global
// hook), so that two processes' hooks of one name stay apart. A timed-out or cancelled run counts
// as a failure, as the original counted any error. The series are keyed by hook, never by
// instance: as many as the configuration has hooks.
//
// Threads: OnEvent runs on the plugin's event dispatch thread, Families on a scrape's worker.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "phpeek/plugin_abi.h"
#include "plugins/metrics/exposition.h"

namespace phpeek::metrics {

// The original's buckets, in seconds.
inline constexpr std::array<double, 8> kHookDurationBuckets = {0.1, 0.5, 1, 5, 10, 30, 60, 120};

class HookStats {
 public:
  // Takes HOOK_FINISHED events; ignores any other type and a detail it cannot read.
  void OnEvent(const phpeek_event& ev);
  // Both families, also when no hook has run yet (HELP and TYPE only).
  std::vector<Family> Families() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // process, name, type
  struct Counts {
    uint64_t success = 0;
    uint64_t failure = 0;
    std::array<uint64_t, kHookDurationBuckets.size()> buckets{};  // cumulative at render time
    double sum_seconds = 0;
  };

  mutable std::mutex mu_;
  std::map<Key, Counts> counts_;  // guarded by mu_
};

}  // namespace phpeek::metrics
