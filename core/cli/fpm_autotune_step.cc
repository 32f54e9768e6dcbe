#include "core/cli/fpm_autotune_step.h"

#include <string>

#include "core/autotune/memory_threshold.h"
#include "core/log/log.h"
#include "core/process/environment.h"

namespace phpeek::cli {
namespace {

std::string Source(autotune::LimitOrigin origin, const std::string& file) {
  return std::string(autotune::ToString(origin)) + (file.empty() ? "" : " " + file);
}

void LogTuning(const autotune::AutotuneReport& r) {
  const autotune::FpmSettings& s = r.tuning->settings;
  const autotune::ResourceLimits& l = *r.limits;
  log::Info("php-fpm autotuned", {{"profile", r.choice.profile->name},
                                  {"profile_from", r.choice.profile_from},
                                  {"pm", autotune::ToString(s.pm)},
                                  {"max_children", s.max_children},
                                  {"start_servers", s.start_servers},
                                  {"min_spare_servers", s.min_spare},
                                  {"max_spare_servers", s.max_spare},
                                  {"max_requests", s.max_requests},
                                  {"memory_mb", l.memory_mb()},
                                  {"memory_from", Source(l.memory_origin, l.memory_file)},
                                  {"cpus", l.cpus},
                                  {"cpus_from", Source(l.cpu_origin, l.cpu_file)},
                                  {"threshold", autotune::PercentText(r.tuning->threshold)},
                                  {"threshold_from", r.choice.threshold_from}});
}

}  // namespace

autotune::AutotuneFlags AutotuneFlagsOf(const CommandLine& cl) {
  autotune::AutotuneFlags flags;
  flags.profile = cl.fpm_profile;
  flags.profile_flag = cl.subcommand == Subcommand::kFpmTune ? "--profile" : "--php-fpm-profile";
  flags.threshold = cl.memory_threshold;
  return flags;
}

bool ApplyFpmAutotune(const CommandLine& cl, const std::map<std::string, std::string>& env,
                      double file_threshold) {
  autotune::AutotuneChoice choice;
  std::string error;
  if (!autotune::ChooseAutotune(AutotuneFlagsOf(cl), env, file_threshold, &choice, &error)) {
    log::Error(error + "; not starting");
    return false;
  }
  if (choice.profile == nullptr) {
    if (!cl.memory_threshold) return true;  // no autotune
    log::Error(
        "--autotune-memory-threshold needs a php-fpm profile: --php-fpm-profile or "
        "PHP_FPM_AUTOTUNE_PROFILE; not starting");
    return false;
  }
  const autotune::ResourceRoots roots = autotune::ResourceRootsFromEnvironment();
  if (roots.cgroup != autotune::ResourceRoots().cgroup ||
      roots.proc != autotune::ResourceRoots().proc) {  // as core/supervisor/test_hooks.h does
    log::Warn("test hook in effect", {{"PHPEEK_PM_TEST_CGROUP_ROOT", roots.cgroup},
                                      {"PHPEEK_PM_TEST_PROC_ROOT", roots.proc}});
  }
  const autotune::AutotuneReport report = autotune::RunAutotune(choice, roots);
  for (const auto& warning : report.warnings) {
    log::Warn(warning, {{"autotune", choice.profile->name}});
  }
  if (!report.tuning) {
    log::Error(report.error + "; not starting", {{"autotune", choice.profile->name},
                                                 {"hint", "phpeek-pm fpm-tune shows every step"}});
    return false;
  }
  LogTuning(report);
  process::SetDaemonVariables(autotune::FpmEnvironment(report.tuning->settings));
  return true;
}

}  // namespace phpeek::cli
