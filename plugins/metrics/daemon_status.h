// Daemon-wide facts read from the host's daemon_status service (ABI 1.1): the series
// phpeek_pm_log_lines_dropped_total and the daemon's start time. A host without that service
// (ABI 1.0) has neither.
#pragma once

#include <optional>
#include <string_view>

#include "plugins/metrics/exposition.h"

namespace phpeek::metrics {

// The counter family from a daemon_status document ({"schema":1,...,"log_lines_dropped":N}), or
// nullopt when the document is not valid JSON or lacks the key.
std::optional<Family> LogLinesDroppedFamily(std::string_view daemon_status_json);

// The daemon's start in unix seconds ("started_at_ms", taken by the daemon itself as its binary
// loads), or nullopt when the document is not valid JSON or lacks a positive value.
std::optional<double> DaemonStartSeconds(std::string_view daemon_status_json);

}  // namespace phpeek::metrics
