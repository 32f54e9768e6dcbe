// The php-fpm pool a profile gets from a memory limit and a CPU count, computed as the original
// PHPeek PM does: the share of memory the profile plans for (or the threshold given), less what is
// reserved and OPcache, divided by one worker's memory; at most 4 workers per CPU; then the
// profile's bounds, and the spare and start figures as shares of max_children.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/autotune/fpm_profiles.h"

namespace phpeek::autotune {

// The values of php-fpm's pm.* settings.
struct FpmSettings {
  ProcessManager pm = ProcessManager::kDynamic;
  int max_children = 0;
  int start_servers = 0;  // static: max_children
  int min_spare = 0;      // static: 0 (php-fpm reads them only with pm = dynamic)
  int max_spare = 0;
  int max_requests = 0;
};

// Every step of the computation, for fpm-tune and the log.
struct FpmTuning {
  double threshold = 0;    // the share of memory planned for
  int64_t usable_mb = 0;   // memory x threshold
  int64_t pool_mb = 0;     // usable - reserved - OPcache: the workers' memory
  int64_t by_memory = 0;   // pool_mb / one worker's memory
  int64_t by_cpu = 0;      // 4 per CPU
  int64_t workers_mb = 0;  // max_children x one worker's memory
  int64_t planned_mb = 0;  // workers + OPcache + reserved
  FpmSettings settings;
  std::vector<std::string> warnings;
};

// `threshold` 0 (or unset) keeps the profile's memory_share. Returns false with a message that
// shows the figures when the memory does not fit the profile.
bool ComputeFpmTuning(const FpmProfile& profile, int64_t memory_mb, int cpus, double threshold,
                      FpmTuning* out, std::string* error);

// PHP_FPM_PM, PHP_FPM_MAX_CHILDREN, PHP_FPM_MAX_REQUESTS, PHP_FPM_START_SERVERS,
// PHP_FPM_MIN_SPARE, PHP_FPM_MAX_SPARE, in that order: all six for either pm, so that one pool
// file template works with every profile.
std::vector<std::pair<std::string, std::string>> FpmEnvironment(const FpmSettings& settings);

}  // namespace phpeek::autotune
