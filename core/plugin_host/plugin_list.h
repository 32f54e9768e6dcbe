// Which plugins a configuration asks for, in load order, and where their files are:
// `api_enabled` -> rest-api, `metrics_enabled` -> metrics, then each `global.plugins` entry (a
// name looked up in plugin_dir as <name>.so, or a path to a .so whose file name gives the name).
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/plugin_host/plugin_loader.h"

namespace phpeek::plugin_host {

// <dir of /proc/self/exe>/../lib/phpeek-pm/plugins, normalised: the build tree (build/bin next to
// build/lib/phpeek-pm/plugins) and the installed layout (/usr/bin, /usr/lib/phpeek-pm/plugins)
// alike.
std::string DefaultPluginDir();

// Relative plugin_dir and plugin paths are taken relative to the configuration file's folder.
std::vector<PluginRequest> PluginRequests(const config::Config& config,
                                          const std::string& default_dir);

}  // namespace phpeek::plugin_host
