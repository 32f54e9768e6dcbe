// The php-fpm workload profiles of autotune (dev, light, medium, heavy, bursty), with the figures
// of the original PHPeek PM so that a container tuned by either gets the same pool.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace phpeek::autotune {

// php-fpm's `pm`: static keeps max_children workers; dynamic keeps spares between two bounds.
enum class ProcessManager { kStatic, kDynamic };
const char* ToString(ProcessManager pm);

struct FpmProfile {
  const char* name;         // as given to --php-fpm-profile
  const char* description;  // one line, for fpm-tune
  ProcessManager pm;
  int worker_mb;       // average memory of one worker, the application's code excluded (OPcache)
  int opcache_mb;      // OPcache, shared by the workers
  int reserved_mb;     // the rest of the container: web server, system
  int min_workers;     // max_children is never below this
  int max_workers;     // 0: bounded by memory and CPUs only
  double start_ratio;  // pm.start_servers as a share of max_children (dynamic)
  double min_spare_ratio;  // pm.min_spare_servers
  double max_spare_ratio;  // pm.max_spare_servers
  int max_requests;        // pm.max_requests: a worker is recycled after this many requests
  double memory_share;     // the share of the memory limit that the pool may plan for
};

std::span<const FpmProfile> FpmProfiles();
// nullptr when no profile has that name.
const FpmProfile* FindFpmProfile(std::string_view name);
// "dev, light, medium, heavy, bursty": for messages.
std::string FpmProfileNames();

}  // namespace phpeek::autotune
