// Entries and queries as the history tests write them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/process_logs/history.h"

namespace phpeek::process_logs {

// An entry of `message` (which must outlive it: a literal, or a temporary used within the same
// expression) at a fixed time.
inline Entry Line(std::string_view message, Level level = Level::kInfo) {
  Entry e;
  e.time = WallTime{} + std::chrono::seconds(1);
  e.message = message;
  e.level = level;
  return e;
}

inline HistoryQuery Query(std::string process, std::string instance, std::optional<uint64_t> since,
                          size_t limit) {
  return {std::move(process), std::move(instance), since, limit};
}

}  // namespace phpeek::process_logs
