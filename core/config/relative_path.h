// Paths in the configuration are relative to the configuration file's folder, not to the daemon's
// working directory: the file means the same wherever the daemon is started from.
#pragma once

#include <string>

namespace phpeek::config {

// `path` when absolute, else the configuration file's folder joined with it; lexically normal
// ("a/../b" -> "b") and absolute (a relative `config_path` is taken from the working directory).
std::string ResolveFromConfig(const std::string& path, const std::string& config_path);

}  // namespace phpeek::config
