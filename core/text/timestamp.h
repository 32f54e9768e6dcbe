// Times as the daemon writes them: RFC 3339 with milliseconds, in UTC for JSON (its own log lines,
// process-log entries: "2026-12-06T15:04:05.123Z") and in local time with the UTC offset for its
// text log lines ("2026-12-06T16:04:05.123+01:00").
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace phpeek::text {

// Room for either form.
inline constexpr size_t kTimestampMax = 32;

std::string UtcMillis(std::chrono::system_clock::time_point time);
// Into `buf` (not NUL-terminated); returns the length (24 for the years 0-9999).
size_t FormatUtcMillis(char (&buf)[kTimestampMax], std::chrono::system_clock::time_point time);
// The same appended to *out. The date and time of day are formatted once per second per thread
// (every log line has a time: this is on the supervisor loop's path for each line a child writes).
void AppendUtcMillis(std::string* out, std::chrono::system_clock::time_point time);
// Local time (the TZ environment variable, else /etc/localtime) with its offset, into `buf`;
// returns the length (29 for the years 0-9999). Cached per second per thread like the UTC form.
size_t FormatLocalMillis(char (&buf)[kTimestampMax], std::chrono::system_clock::time_point time);

}  // namespace phpeek::text
