// php-fpm autotune as the commands run it: the command line's choice, and serve's step that
// computes the pool and exports it to every process.
#pragma once

#include <map>
#include <string>

#include "core/autotune/fpm_autotune.h"
#include "core/cli/command_line.h"

namespace phpeek::cli {

autotune::AutotuneFlags AutotuneFlagsOf(const CommandLine& cl);

// serve: when a profile is chosen (--php-fpm-profile, else $PHP_FPM_AUTOTUNE_PROFILE), computes
// the pool, logs it and its warnings, and sets the PHP_FPM_* variables for every child. Returns
// false, the reason logged with its figures, when serve must not start. `file_threshold`:
// global.autotune_memory_threshold (0 when unset).
bool ApplyFpmAutotune(const CommandLine& cl, const std::map<std::string, std::string>& env,
                      double file_threshold);

}  // namespace phpeek::cli
