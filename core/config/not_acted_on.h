// Keys that are parsed and checked but whose behaviour is not built yet (ProcessSpec and
// GlobalSpec deferred_keys): listed with their place, for check-config and the start-up log.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"

namespace phpeek::config {

struct NotActedOn {
  std::string key_path;  // "processes.web.logging", "global.log_buffer_lines"
  SourcePos pos;         // 0:0 for a value from a PHPEEK_PM_GLOBAL_* variable
};

// Processes in file order, then the global keys.
std::vector<NotActedOn> NotActedOnKeys(const Config& config);

}  // namespace phpeek::config
