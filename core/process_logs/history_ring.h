// LogHistory's storage, shared by its writer side (history.cc) and its reader side
// (history_read.cc); nothing else includes it.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "core/process_logs/history.h"

namespace phpeek::process_logs {

struct LogHistory::Line {
  uint64_t seq = 0;
  WallTime time;
  std::string message;
  std::unique_ptr<const FieldList> fields;  // the line's own; null: none
  std::shared_ptr<const FieldList> labels;  // the process's, shared
  uint32_t cost = 0;                        // what it counts against the bounds
  Stream stream = Stream::kStdout;
  Level level = Level::kInfo;
};

struct LogHistory::Ring {
  std::string process;
  std::string instance;
  std::deque<Line> lines;  // oldest first, seq ascending
  uint64_t bytes = 0;      // sum of the lines' cost
  bool retired = false;    // its instance went away (LogHistory::Retire)
};

// A kept line as readers get it (own fields, then labels).
Record ToRecord(const std::string& process, const std::string& instance,
                const LogHistory::Line& line);

}  // namespace phpeek::process_logs
