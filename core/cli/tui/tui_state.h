// Everything the TUI shows, as plain data: the event loop (tui_app.h) changes it, the screen
// (screen.h) draws it. No ncurses here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cli/client/job_table.h"
#include "core/cli/tui/actions.h"
#include "core/cli/tui/keymap.h"
#include "core/cli/tui/log_lines.h"
#include "core/cli/tui/process_rows.h"

namespace phpeek::cli::tui {

struct TuiState {
  std::string api_url;
  View view = View::kProcesses;
  bool help = false;
  std::optional<Action> confirm;  // the question on screen, until y or another key

  // The process table.
  std::vector<TableRow> rows;     // as the API listed them
  std::vector<TableRow> visible;  // filtered and sorted: what the table shows
  SortOrder sort;
  std::string filter;
  bool editing_filter = false;
  size_t selected = 0;   // index into visible
  size_t table_top = 0;  // first row shown (the screen keeps the selection in view)

  // The jobs view.
  std::vector<client::JobRow> jobs;
  size_t job_selected = 0;

  // The log view: the process followed and its lines.
  std::string log_process;
  LogLines log;
  bool log_streaming = false;

  // The connection: while lost, the table stays as it was last seen, under this message.
  bool connected = true;
  std::string connection_error;
  std::string message;     // the last action's outcome, or a notice
  int64_t fetched_at = 0;  // Unix seconds of the last process list (for the STARTED cells)
};

}  // namespace phpeek::cli::tui
