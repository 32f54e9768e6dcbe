// Daemon-wide facts read from the host's daemon_status service (ABI 1.1): the series
// phpeek_pm_log_lines_dropped_total, the configuration reload series, the process-log history's
// series and the daemon's start time. A host without that service (ABI 1.0) has neither.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "plugins/metrics/exposition.h"

namespace phpeek::metrics {

// The counter family from a daemon_status document ({"schema":1,...,"log_lines_dropped":N}), or
// nullopt when the document is not valid JSON or lacks the key.
std::optional<Family> LogLinesDroppedFamily(std::string_view daemon_status_json);

// phpeek_pm_config_reloads_total{result="success"|"failure"} and
// phpeek_pm_config_last_reload_success_timestamp_seconds, from "config_reloads" and
// "config_last_reload_success_ms"; none when the document lacks them (an older host).
std::vector<Family> ConfigReloadFamilies(std::string_view daemon_status_json);

// phpeek_pm_log_history_bytes, _lines, _instances, _followers (gauges) and
// phpeek_pm_log_history_evicted_total, from "log_history"; none when the document lacks it (a host
// from before the process-log services).
std::vector<Family> LogHistoryFamilies(std::string_view daemon_status_json);

// The daemon's start in unix seconds ("started_at_ms", taken by the daemon itself as its binary
// loads), or nullopt when the document is not valid JSON or lacks a positive value.
std::optional<double> DaemonStartSeconds(std::string_view daemon_status_json);

}  // namespace phpeek::metrics
