// Checks across the whole configuration, after every section is read: dependencies, readiness
// process names, and commands whose program cannot be found.
#pragma once

#include <map>
#include <string>

#include "core/config/config.h"
#include "core/config/reader.h"

namespace phpeek::config {

// `check_programs`: warn about programs not found on PATH (the spawner makes it an error).
void ValidateConfig(Reader& r, const Config& config, bool check_programs,
                    const std::map<std::string, std::string>& env);

}  // namespace phpeek::config
