// `phpeek-pm fpm-tune`: the php-fpm pool that serve's autotune would export, with every input and
// step, as text or one JSON document. Starts nothing.
#include <cstdio>
#include <string>

#include "core/autotune/tuning_report.h"
#include "core/cli/commands.h"
#include "core/cli/fpm_autotune_step.h"
#include "core/config/loader.h"
#include "core/plugin_host/plugin_catalog.h"
#include "core/plugin_host/plugin_list.h"

namespace phpeek::cli {
namespace {

// global.autotune_memory_threshold of the configuration serve would read (with -c, that file;
// without, the lookup order, and no file found is no threshold). False, the file's errors
// printed, when it is invalid or the file named (-c, $PHPEEK_PM_CONFIG) does not exist.
bool ReadFileThreshold(const CommandLine& cl, const config::Environment& env, double* out) {
  std::string path, err;
  if (!config::ResolveConfigPath(cl.config_path, env, &path, &err)) {
    const auto named = env.find("PHPEEK_PM_CONFIG");
    if (cl.config_path.empty() && (named == env.end() || named->second.empty())) return true;
    std::fprintf(stderr, "phpeek-pm: %s\n", err.c_str());
    return false;
  }
  // The plugins' schemas as serve reads them, so that their keys are no errors here either.
  plugin_host::PluginCatalog catalog(plugin_host::DefaultPluginDir());
  config::LoadOptions options;
  options.plugins = catalog.Provider();
  const config::LoadResult loaded = config::LoadConfigFile(path, env, options);
  if (!loaded.config) {
    for (const auto& d : loaded.diagnostics) {
      if (d.severity == config::Severity::kError) {
        std::fprintf(stderr, "%s\n", config::FormatText(d).c_str());
      }
    }
    std::fprintf(stderr, "phpeek-pm: configuration %s is invalid\n", path.c_str());
    return false;
  }
  *out = loaded.config->global.autotune_memory_threshold;
  return true;
}

}  // namespace

int RunFpmTune(const CommandLine& cl) {
  const config::Environment env = config::CurrentEnvironment();
  double file_threshold = 0;
  if (!ReadFileThreshold(cl, env, &file_threshold)) return 1;
  autotune::AutotuneChoice choice;
  std::string error;
  if (!autotune::ChooseAutotune(AutotuneFlagsOf(cl), env, file_threshold, &choice, &error)) {
    std::fprintf(stderr, "phpeek-pm: %s\n", error.c_str());
    return 1;
  }
  if (choice.profile == nullptr) {
    std::fprintf(stderr,
                 "phpeek-pm: fpm-tune needs a profile (one of %s): --profile P, or %s (try "
                 "'phpeek-pm fpm-tune --help')\n",
                 autotune::FpmProfileNames().c_str(), autotune::kProfileVariable);
    return 2;
  }
  const autotune::AutotuneReport report =
      autotune::RunAutotune(choice, autotune::ResourceRootsFromEnvironment());
  const std::string text =
      cl.json ? autotune::ReportJson(report) + "\n" : autotune::ReportText(report);
  std::fputs(text.c_str(), stdout);
  if (!report.tuning) {
    std::fflush(stdout);
    std::fprintf(stderr, "phpeek-pm: %s\n", report.error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace phpeek::cli
