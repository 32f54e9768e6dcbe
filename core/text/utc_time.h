// Times as the daemon writes them in JSON (its own log lines, process-log entries): RFC 3339 in
// UTC with milliseconds, "2026-12-06T15:04:05.123Z".
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace phpeek::text {

std::string UtcMillis(std::chrono::system_clock::time_point time);
// Into `buf` (not NUL-terminated); returns the length (24 for the years 0-9999).
inline constexpr size_t kUtcMillisMax = 32;
size_t FormatUtcMillis(char (&buf)[kUtcMillisMax], std::chrono::system_clock::time_point time);
// The same appended to *out. The date and time of day are formatted once per second per thread
// (every log line has a time: this is on the supervisor loop's path for each line a child writes).
void AppendUtcMillis(std::string* out, std::chrono::system_clock::time_point time);

}  // namespace phpeek::text
