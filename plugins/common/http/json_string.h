// JSON string literals for the plugins' answers and log lines. Reading JSON is the SDK's reader
// (phpeek/json.hpp).
#pragma once

#include <string>
#include <string_view>

namespace phpeek::http {

// Appends `s` as a JSON string literal (quotes included): '"', '\' and control characters
// escaped, other bytes as they are (callers pass UTF-8: host snapshots, printable messages).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace phpeek::http
