// What the supervised processes wrote, as structured log records. core/process_logs/ turns a
// child's output lines into records (the per-stream pipeline of `processes.<name>.logging`) and
// keeps them (per-instance history across restarts, live followers). It is not the daemon's own
// logger: that is core/log/ (the facade every part of the daemon logs through, and the writer to
// stdout). The engine's output streams (core/supervisor/output_pipeline.h) hand each entry the
// pipeline emits to both: core/log/ for stdout, the history for plugins (and through them the API).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/log/log.h"

namespace phpeek::process_logs {

using Level = log::Level;
using MonoTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

enum class Stream : uint8_t { kStdout, kStderr };

// One entry of a record's `fields`: a label, or a member of a JSON line.
struct Field {
  std::string key;
  std::string value;  // the text of a string; for `json`, serialized JSON (number, object, ...)
  bool json = false;
};
using FieldList = std::vector<Field>;

// When a line was read: the loop's monotonic time (for the multiline timer) and the wall time
// that the record carries. The caller reads its clocks once per batch of lines.
struct LineTime {
  MonoTime mono;
  WallTime wall;
};

// What the pipeline emits. `message` and `fields` (the line's own: JSON members, json_error) are
// valid only during the sink call; `labels` is the process's, shared and immutable, so keeping a
// record costs no copy of them. A JSON member named like a label has been left out (labels win).
struct Entry {
  WallTime time;
  Stream stream = Stream::kStdout;
  Level level = Level::kInfo;
  std::string_view message;
  const FieldList* fields = nullptr;        // null or empty: none
  std::shared_ptr<const FieldList> labels;  // null: none
};

// A kept record, as readers get it: {seq, time, process, instance, stream, level, message,
// fields} (lifecycle.md, "Logs"); `fields` is the line's own fields, then the labels. `seq` grows
// by one for each record of the daemon, across every instance (meant as an SSE log stream's ids).
struct Record {
  uint64_t seq = 0;
  WallTime time;
  std::string process;
  std::string instance;
  Stream stream = Stream::kStdout;
  Level level = Level::kInfo;
  std::string message;
  FieldList fields;
};

// "stdout" / "stderr"; "debug" / "info" / "warn" / "error".
const char* StreamName(Stream stream);
const char* LevelName(Level level);
// A level as log producers spell it, case-insensitive: debug, trace, info, notice, warn, warning,
// error, err, critical, crit, alert, emergency, emerg, fatal, panic. Nothing else.
std::optional<Level> ParseLevelName(std::string_view name);

}  // namespace phpeek::process_logs
