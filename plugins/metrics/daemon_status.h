// Daemon-wide series read from the host's daemon_status service (ABI 1.1): today
// phpeek_pm_log_lines_dropped_total. A host without that service (ABI 1.0) has no such series.
#pragma once

#include <optional>
#include <string_view>

#include "plugins/metrics/exposition.h"

namespace phpeek::metrics {

// The counter family from a daemon_status document ({"schema":1,...,"log_lines_dropped":N}), or
// nullopt when the document is not valid JSON or lacks the key.
std::optional<Family> LogLinesDroppedFamily(std::string_view daemon_status_json);

}  // namespace phpeek::metrics
