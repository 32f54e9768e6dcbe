// The terminal through ncurses (the only file that includes it besides keymap.cc): set up and
// restored by the Screen's lifetime, drawn from a TuiState in one go. ncurses sends only the
// cells that changed since the last refresh, and Draw is called only when something did.
#pragma once

#include "core/cli/tui/tui_state.h"

namespace phpeek::cli::tui {

class Screen {
 public:
  Screen();   // initscr: the terminal in cbreak mode, no echo, keypad keys, no cursor
  ~Screen();  // endwin: the terminal as it was
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  // The terminal's new size (after SIGWINCH), read from the terminal itself.
  void Resize();
  // The next key typed, or -1 when none is waiting (never blocks).
  int ReadKey();
  // Lines available to the table, the job list or the log (for paging).
  int BodyHeight() const;

  // Draws everything; keeps the selection in view (state->table_top).
  void Draw(TuiState* state);
};

}  // namespace phpeek::cli::tui
