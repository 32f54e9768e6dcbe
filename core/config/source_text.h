// Reading the configuration file and refusing text that is not a YAML document before yaml-cpp sees
// it: a directory, an unreadable or oversized file, an empty file, binary data, invalid UTF-8.
#pragma once

#include <cstddef>
#include <string>

#include "core/config/diagnostic.h"

namespace phpeek::config {

// A configuration is a few kilobytes; anything above this is not one. The bound also bounds the
// parse: yaml-cpp holds every token of a flow collection in a key position (`[[[...` or a
// one-line `[a, b, ...]` at the top) in memory at once, about 240 bytes each, so 1 MiB of
// them costs about 250 MB and 2 s at worst.
constexpr size_t kMaxConfigBytes = 1024 * 1024;

// Reads `path` into `text`. On failure appends an error naming the path and returns false.
bool ReadSourceFile(const std::string& path, std::string* text, Diagnostics* diagnostics);

// Checks that `text` is non-empty UTF-8 text without NUL bytes, at most kMaxConfigBytes. Errors
// point at the first bad byte.
bool CheckSourceText(const std::string& text, const std::string& file, Diagnostics* diagnostics);

}  // namespace phpeek::config
