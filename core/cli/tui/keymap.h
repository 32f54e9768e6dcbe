// The TUI's keys: what each key does in each view, and the help screen and footer made from the
// same table, so that what the help says is what the keys do. Keys are getch(3) codes; the
// ncurses constants stay in keymap.cc.
#pragma once

#include <string>
#include <vector>

namespace phpeek::cli::tui {

enum class View { kProcesses, kLogs, kJobs };

enum class Command {
  kNone,
  kQuit,
  kUp,
  kDown,
  kPageUp,
  kPageDown,
  kHome,
  kEnd,
  kRestart,
  kStart,
  kStop,
  kScaleUp,
  kScaleDown,
  kTrigger,
  kLogs,
  kJobs,
  kBack,  // to the process table
  kHelp,
  kSort,
  kReverse,
  kFilter,
};

Command CommandFor(int key, View view);

// Keys the filter prompt and the loop read themselves.
bool IsEnterKey(int key);
bool IsEscapeKey(int key);
bool IsBackspaceKey(int key);
bool IsResizeKey(int key);  // ncurses' KEY_RESIZE (the loop handles SIGWINCH itself)

struct KeyHelp {
  std::string keys;  // "r", "Up/k"
  std::string what;  // "restart the process (asks first)"
};

// Every binding of `view`, for the help screen.
std::vector<KeyHelp> HelpFor(View view);
// The bottom line: the most used keys of `view`.
std::string FooterFor(View view);

}  // namespace phpeek::cli::tui
