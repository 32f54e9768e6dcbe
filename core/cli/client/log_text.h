// The text lines `phpeek-pm logs` and `phpeek-pm events` print for the API's JSON:
//   2026-12-06T15:04:05.123Z php-fpm-0 ERROR ERROR: unable to bind listening socket
//   2026-12-06T15:04:05.200Z web-0 exited: signal 9
// A log line: time, instance, level (upper case), message, then its fields as JSON when it has
// any. An event: time, what it is about (instance, process, or "daemon"), what happened.
#pragma once

#include <string>
#include <string_view>

namespace phpeek::cli::client {

// False (and `err` says why) for a document that is not an entry or an event.
bool FormatLogEntry(std::string_view json, std::string* line, std::string* err);
bool FormatEvent(std::string_view json, std::string* line, std::string* err);

}  // namespace phpeek::cli::client
