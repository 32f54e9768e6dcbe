// Durations in the configuration: an integer number of seconds (`30`) or a string of
// number+unit parts (`500ms`, `5s`, `1m30s`, `1h`). Units: ms, s, m, h.
#pragma once

#include <chrono>
#include <string>

namespace phpeek::config {

// Parses `text` into milliseconds. On failure returns false and sets `err` to a short reason
// ("negative durations are not allowed", ...). The empty string is invalid.
bool ParseDuration(const std::string& text, std::chrono::milliseconds* out, std::string* err);

// The shortest canonical spelling: "0s", "500ms", "1m30s", "1h", "1s500ms".
std::string FormatDuration(std::chrono::milliseconds value);

}  // namespace phpeek::config
