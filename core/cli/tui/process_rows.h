// The terminal UI's process table as data, without ncurses: one row per instance (one per
// process without instances, as `phpeek-pm status` shows them), sorted by a chosen column and
// filtered by a text. Pure functions, unit-tested (tests/unit/cli/tui).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/cli/client/job_table.h"
#include "core/cli/client/process_table.h"

namespace phpeek::cli::tui {

struct TableRow {
  std::string process;   // the process the row's actions apply to
  std::string instance;  // "-" for a process without instances
  std::string type;      // longrun, oneshot, scheduled ("" from a daemon that does not say)
  std::string state;
  int scale = 0;           // the process's
  int pid = 0;             // 0: none
  int64_t started_at = 0;  // Unix seconds; 0: not running
  int64_t restarts = 0;
  bool ready = false;
  std::string note;  // why it is blocked, failed or waiting; or ""
};

enum class SortKey { kName, kState, kPid, kStarted, kRestarts };

struct SortOrder {
  SortKey key = SortKey::kName;
  bool descending = false;
};

// The rows of the API's process list, in its (configuration) order. A scheduled job's row shows
// its schedule state (idle, executing, paused) and its next run from `jobs`.
std::vector<TableRow> RowsOf(const std::vector<client::ProcessRow>& processes,
                             const std::vector<client::JobRow>& jobs);

// Rows whose process, instance or state contains `filter` (ASCII case-insensitive; "" keeps
// all), sorted stably by `order` (ties keep process then instance order).
std::vector<TableRow> VisibleRows(const std::vector<TableRow>& rows, const std::string& filter,
                                  SortOrder order);

// The column's name for the title bar: "name", "state", "pid", "started", "restarts".
const char* SortKeyName(SortKey key);
// The next column in the cycle name -> state -> pid -> started -> restarts -> name.
SortKey NextSortKey(SortKey key);

// The STARTED cell: "14:03:09" when `started_at` is on the same local day as `now`, else
// "12-05 14:03"; "-" for 0. A start time instead of an uptime: nothing on screen changes by
// itself, so the TUI needs no clock tick while nothing happens.
std::string StartedCell(int64_t started_at, int64_t now);

}  // namespace phpeek::cli::tui
