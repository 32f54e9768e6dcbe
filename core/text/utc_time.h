// Times as the daemon writes them in JSON (its own log lines, process-log entries): RFC 3339 in
// UTC with milliseconds, "2026-12-06T15:04:05.123Z".
#pragma once

#include <chrono>
#include <string>

namespace phpeek::text {

std::string UtcMillis(std::chrono::system_clock::time_point time);

}  // namespace phpeek::text
