// Readers for the log pipeline's configuration: `processes.<name>.logging` (logging_section.cc)
// and the global history sizes `log_buffer_lines`, `log_buffer_bytes`, `log_buffer_total_bytes`
// (log_buffer_keys.cc). Kept apart from sections.h so that the pipeline's keys live in files of
// their own.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/config/document.h"
#include "core/config/reader.h"

namespace phpeek::json {
class Writer;
}

namespace phpeek::config {

// Reads the block into `out->logging`; `logging.stdout`/`stderr` also set forward_stdout/stderr.
void ReadLogging(Reader& r, const Node& node, const std::string& path, ProcessSpec* out);
// After all of the process's keys: `logging.stdout` (or stderr) that contradicts the process-level
// `stdout` (or stderr) is an error, since one of the two would be silently ignored.
void CheckLoggingStreams(Reader& r, const Node& process_node, const std::string& path,
                         const ProcessSpec& spec);

// Handlers for the three global keys (KnownGlobalKeys lists them) and their JSON form in the
// `global` object that plugins receive.
std::vector<KeyHandler> LogBufferHandlers(Reader& r, GlobalSpec* g);
void WriteLogBufferJson(const GlobalSpec& g, json::Writer* w);

}  // namespace phpeek::config
