// The subcommands of the phpeek-pm binary. Each returns the process exit code.
#pragma once

#include "core/cli/command_line.h"

namespace phpeek::cli {

int RunServe(const CommandLine& cl);
int RunCheckConfig(const CommandLine& cl);
// check-config --keys: every configuration key, the plugins' included (check_config_keys.cc).
int RunCheckConfigKeys(const CommandLine& cl);
int RunVersion();
// fpm-tune: the php-fpm pool autotune computes, with every input and step; starts nothing.
int RunFpmTune(const CommandLine& cl);
// status, start, stop, restart, scale, jobs, trigger, reload, logs, events: the Management API
// client (core/cli/client/).
int RunClient(const CommandLine& cl);

}  // namespace phpeek::cli
