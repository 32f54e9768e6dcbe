#include "core/autotune/fpm_autotune.h"

#include <utility>

#include "core/autotune/memory_threshold.h"

namespace phpeek::autotune {
namespace {

std::string Lookup(const std::map<std::string, std::string>& env, const char* name) {
  const auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

std::string HostWarning(const ResourceLimits& limits) {
  return "no cgroup memory limit found: tuned for the host's " +
         std::to_string(limits.memory_mb()) + " MB and " + std::to_string(limits.cpus) +
         " CPU(s); give the container a limit (docker run -m 2g --cpus 2, Kubernetes "
         "resources.limits) for a pool that fits it";
}

}  // namespace

bool ChooseAutotune(const AutotuneFlags& flags, const std::map<std::string, std::string>& env,
                    double file_threshold, AutotuneChoice* out, std::string* error) {
  AutotuneChoice c;
  std::string name = flags.profile;
  c.profile_from = flags.profile_flag;
  if (name.empty()) {
    name = Lookup(env, kProfileVariable);
    c.profile_from = kProfileVariable;
  }
  if (!name.empty()) {
    c.profile = FindFpmProfile(name);
    if (c.profile == nullptr) {
      *error = c.profile_from + ": unknown php-fpm profile '" + name + "' (one of " +
               FpmProfileNames() + ")";
      return false;
    }
  }
  const std::string env_threshold = Lookup(env, kThresholdVariable);
  if (flags.threshold) {
    c.threshold = *flags.threshold;
    c.threshold_from = "--autotune-memory-threshold";
  } else if (!env_threshold.empty()) {
    std::string why;
    if (!ParseMemoryThreshold(env_threshold, &c.threshold, &why)) {
      *error = std::string(kThresholdVariable) + " " + why;
      return false;
    }
    c.threshold_from = kThresholdVariable;
  } else if (file_threshold > 0) {
    c.threshold = file_threshold;
    c.threshold_from = kThresholdKey;
  }
  if (c.threshold == 0) c.threshold_from = "profile";
  *out = std::move(c);
  return true;
}

AutotuneReport RunAutotune(const AutotuneChoice& choice, const ResourceRoots& roots) {
  AutotuneReport report;
  report.choice = choice;
  ResourceLimits limits;
  if (!ReadResourceLimits(roots, &limits, &report.error)) return report;
  report.limits = limits;
  if (limits.memory_origin == LimitOrigin::kHost) report.warnings.push_back(HostWarning(limits));
  FpmTuning tuning;
  if (!ComputeFpmTuning(*choice.profile, limits.memory_mb(), limits.cpus, choice.threshold, &tuning,
                        &report.error)) {
    return report;
  }
  report.warnings.insert(report.warnings.end(), tuning.warnings.begin(), tuning.warnings.end());
  report.tuning = std::move(tuning);
  return report;
}

}  // namespace phpeek::autotune
