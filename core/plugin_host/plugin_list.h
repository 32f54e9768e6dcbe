// Which plugins a configuration asks for, in load order, and where their files are:
// `api_enabled` -> rest-api, `metrics_enabled` -> metrics, `dashboard_enabled` -> dashboard, then
// each `global.plugins` entry (a name, or a path to a .so whose file name gives the name). A name
// is looked up as <name>.so in each folder of `plugin_dir` in turn, then in the built-in folder,
// which is always searched last: an in-house folder adds plugins (or replaces one on purpose)
// without hiding the built-in ones.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/plugin_host/plugin_loader.h"

namespace phpeek::plugin_host {

// <dir of /proc/self/exe>/../lib/phpeek-pm, normalised: the build tree (build/bin next to
// build/lib/phpeek-pm) and the installed layout (/usr/bin, /usr/lib/phpeek-pm) alike. It holds the
// executable's TLS client module (core/cli/client/tls) and the plugins' folder.
std::string DefaultLibDir();
// DefaultLibDir()/plugins: the built-in plugins.
std::string DefaultPluginDir();

// Relative plugin_dir and plugin paths are taken relative to `config_path`'s folder.
std::vector<PluginRequest> PluginRequests(const config::GlobalSpec& global,
                                          const std::string& config_path,
                                          const std::string& builtin_dir);

// The request for a plugin known by name, found on the search path (PluginRequest::path empty and
// `searched` filled when it is in none of the folders).
PluginRequest FindByName(const std::string& name, const config::GlobalSpec& global,
                         const std::string& config_path, const std::string& builtin_dir);

}  // namespace phpeek::plugin_host
