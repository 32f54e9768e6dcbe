#include "core/autotune/fpm_tuning.h"

#include <algorithm>
#include <cmath>

#include "core/autotune/memory_threshold.h"

namespace phpeek::autotune {
namespace {

constexpr int kWorkersPerCpu = 4;

std::string Mb(int64_t mb) { return std::to_string(mb) + " MB"; }

int RatioOf(int max_children, double ratio) {
  return static_cast<int>(std::ceil(static_cast<double>(max_children) * ratio));
}

// start, min and max spare as shares of max_children, then put in order:
// 1 <= min_spare <= start_servers <= max_spare <= max_children.
void FillDynamic(const FpmProfile& p, FpmSettings* s) {
  s->start_servers = RatioOf(s->max_children, p.start_ratio);
  s->min_spare = std::max(1, RatioOf(s->max_children, p.min_spare_ratio));
  s->max_spare = RatioOf(s->max_children, p.max_spare_ratio);
  s->start_servers = std::max(s->start_servers, s->min_spare);
  s->max_spare = std::min(std::max(s->max_spare, s->start_servers), s->max_children);
}

// max_children from the workers' memory, bounded by the CPUs and the profile; each bound that
// changes the figure is a warning.
int MaxChildren(const FpmProfile& p, int cpus, FpmTuning* t) {
  int64_t n = t->by_memory;
  if (n > t->by_cpu) {
    t->warnings.push_back("memory allows " + std::to_string(n) + " workers; limited to " +
                          std::to_string(t->by_cpu) + " for " + std::to_string(cpus) + " CPU(s) (" +
                          std::to_string(kWorkersPerCpu) + " per CPU)");
    n = t->by_cpu;
  }
  if (p.max_workers > 0 && n > p.max_workers) {
    t->warnings.push_back(std::to_string(n) + " workers computed; the '" + p.name +
                          "' profile caps them at " + std::to_string(p.max_workers));
    n = p.max_workers;
  }
  if (n < p.min_workers) {
    t->warnings.push_back(std::to_string(n) + " workers computed; raised to the '" + p.name +
                          "' profile's minimum of " + std::to_string(p.min_workers));
    n = p.min_workers;
  }
  if (n < 1) {
    t->warnings.push_back("raised to 1 worker");
    n = 1;
  }
  return static_cast<int>(n);
}

void ThresholdWarnings(double threshold, FpmTuning* t) {
  if (threshold > 1.0) {
    t->warnings.push_back("memory threshold " + PercentText(threshold) +
                          " is above 100%: the pool may be planned for more memory than the "
                          "limit, and the kernel's OOM killer may stop workers");
  }
  if (threshold < 0.3) {
    t->warnings.push_back("memory threshold " + PercentText(threshold) +
                          " is very low: most of the memory stays unused");
  }
}

}  // namespace

bool ComputeFpmTuning(const FpmProfile& p, int64_t memory_mb, int cpus, double threshold,
                      FpmTuning* out, std::string* error) {
  FpmTuning t;
  const std::string profile = std::string("the '") + p.name + "' profile";
  const int64_t fixed_mb = int64_t{p.reserved_mb} + p.opcache_mb;
  if (memory_mb < fixed_mb + p.worker_mb) {
    *error = "too little memory for " + profile + ": " + Mb(memory_mb) + ", at least " +
             Mb(fixed_mb + p.worker_mb) + " needed (" + Mb(p.reserved_mb) + " reserved + " +
             Mb(p.opcache_mb) + " OPcache + " + Mb(p.worker_mb) + " for one worker)";
    return false;
  }
  t.threshold = threshold > 0 ? threshold : p.memory_share;
  if (threshold > 0) ThresholdWarnings(threshold, &t);
  t.usable_mb = static_cast<int64_t>(static_cast<double>(memory_mb) * t.threshold);
  t.pool_mb = t.usable_mb - fixed_mb;
  if (t.pool_mb < p.worker_mb) {
    *error = "too little memory for " + profile + ": " + PercentText(t.threshold) + " of " +
             Mb(memory_mb) + " is " + Mb(t.usable_mb) + ", which leaves " + Mb(t.pool_mb) +
             " for workers after " + Mb(p.reserved_mb) + " reserved and " + Mb(p.opcache_mb) +
             " OPcache; one worker needs " + Mb(p.worker_mb);
    return false;
  }
  t.by_memory = t.pool_mb / p.worker_mb;
  t.by_cpu = int64_t{cpus} * kWorkersPerCpu;
  FpmSettings& s = t.settings;
  s.pm = p.pm;
  s.max_requests = p.max_requests;
  s.max_children = MaxChildren(p, cpus, &t);
  t.workers_mb = int64_t{s.max_children} * p.worker_mb;
  t.planned_mb = t.workers_mb + fixed_mb;
  if (t.planned_mb > memory_mb) {
    *error = "too little memory for " + profile + ": " + std::to_string(s.max_children) +
             " workers x " + Mb(p.worker_mb) + " + " + Mb(p.opcache_mb) + " OPcache + " +
             Mb(p.reserved_mb) + " reserved = " + Mb(t.planned_mb) + ", above the " +
             Mb(memory_mb) + " limit";
    return false;
  }
  if (s.pm == ProcessManager::kDynamic) {
    FillDynamic(p, &s);
  } else {
    s.start_servers = s.max_children;
  }
  *out = std::move(t);
  return true;
}

std::vector<std::pair<std::string, std::string>> FpmEnvironment(const FpmSettings& s) {
  return {
      {"PHP_FPM_PM", ToString(s.pm)},
      {"PHP_FPM_MAX_CHILDREN", std::to_string(s.max_children)},
      {"PHP_FPM_MAX_REQUESTS", std::to_string(s.max_requests)},
      {"PHP_FPM_START_SERVERS", std::to_string(s.start_servers)},
      {"PHP_FPM_MIN_SPARE", std::to_string(s.min_spare)},
      {"PHP_FPM_MAX_SPARE", std::to_string(s.max_spare)},
  };
}

}  // namespace phpeek::autotune
