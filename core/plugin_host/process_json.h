// The process table as JSON for plugins (process_list / process_get), with the Management API's
// field names plus the exit details an instance keeps, and a scheduled job's members
// (core/schedule/job_json.h). Documents carry "schema": 1.
#pragma once

#include <string>
#include <vector>

#include "core/supervisor/control.h"

namespace phpeek::plugin_host {

// {"schema":1,"processes":[...]}
std::string ProcessListJson(const std::vector<ProcessStatus>& processes);
// {"schema":1,"name":...,"state":...,"scale":...,"instances":[...]}
std::string ProcessJson(const ProcessStatus& process);

}  // namespace phpeek::plugin_host
