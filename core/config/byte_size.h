// Byte sizes such as `api_max_request_body`: an integer number of bytes, or a number with a binary
// unit (`64KiB`, `64K`, `64KB`, `1MiB`, `1M`, `1MB`: all multiples of 1024).
#pragma once

#include <cstdint>
#include <string>

namespace phpeek::config {

bool ParseByteSize(const std::string& text, int64_t* out, std::string* err);

// The shortest exact spelling: "512", "64KiB", "1MiB", "1536KiB".
std::string FormatByteSize(int64_t bytes);

}  // namespace phpeek::config
