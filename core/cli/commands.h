// The subcommands of the phpeek-pm binary. Each returns the process exit code.
#pragma once

#include "core/cli/command_line.h"

namespace phpeek::cli {

int RunServe(const CommandLine& cl);
int RunCheckConfig(const CommandLine& cl);
// check-config --keys: every configuration key, the plugins' included (check_config_keys.cc).
int RunCheckConfigKeys(const CommandLine& cl);
int RunVersion();
// init: writes a phpeek-pm.yaml from a preset (init_command.cc, init_preset.h).
int RunInit(const CommandLine& cl);
// fpm-tune: the php-fpm pool autotune computes, with every input and step; starts nothing.
int RunFpmTune(const CommandLine& cl);
// status, start, stop, restart, scale, jobs, trigger, reload, signal, logs, events: the Management
// API client (core/cli/client/).
int RunClient(const CommandLine& cl);
// tui: the terminal UI on the Management API (core/cli/tui/, a library of its own: ncurses).
int RunTui(const CommandLine& cl);

}  // namespace phpeek::cli
