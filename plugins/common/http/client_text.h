// Client-sent text quoted in error messages: bounded, printable ASCII only, so that an error body
// stays short and valid in any format, and a log line stays one line, whatever the client sent.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace phpeek::http {

// The first `max` bytes of `text` with every byte outside 0x20..0x7E replaced by '?', and "..."
// when something was cut.
std::string Printable(std::string_view text, size_t max = 64);

}  // namespace phpeek::http
