#include "core/cli/tui/keymap.h"

#include <curses.h>

namespace phpeek::cli::tui {
namespace {

constexpr int kEscape = 27;

struct Binding {
  int key;
  Command command;
  bool processes, logs, jobs;  // the views it works in
};

// One table for the keys, the help screen reads its texts from kHelp below by command.
constexpr Binding kBindings[] = {
    {'q', Command::kQuit, true, false, false},
    {'q', Command::kBack, false, true, true},
    {kEscape, Command::kBack, false, true, true},
    {KEY_LEFT, Command::kBack, false, true, true},
    {'p', Command::kBack, false, true, true},
    {KEY_UP, Command::kUp, true, true, true},
    {'k', Command::kUp, true, true, true},
    {KEY_DOWN, Command::kDown, true, true, true},
    {'j', Command::kDown, true, true, true},
    {KEY_PPAGE, Command::kPageUp, true, true, true},
    {KEY_NPAGE, Command::kPageDown, true, true, true},
    {KEY_HOME, Command::kHome, true, true, true},
    {'g', Command::kHome, true, true, true},
    {KEY_END, Command::kEnd, true, true, true},
    {'G', Command::kEnd, true, true, true},
    {'r', Command::kRestart, true, false, false},
    {'s', Command::kStart, true, false, false},
    {'x', Command::kStop, true, false, false},
    {'+', Command::kScaleUp, true, false, false},
    {'-', Command::kScaleDown, true, false, false},
    {'t', Command::kTrigger, true, false, true},
    {'l', Command::kLogs, true, false, true},
    {'\n', Command::kLogs, true, false, true},
    {KEY_ENTER, Command::kLogs, true, false, true},
    {'J', Command::kJobs, true, true, false},
    {'?', Command::kHelp, true, true, true},
    {'o', Command::kSort, true, false, false},
    {'O', Command::kReverse, true, false, false},
    {'/', Command::kFilter, true, false, false},
};

struct CommandHelp {
  Command command;
  const char* keys;
  const char* what;
};

constexpr CommandHelp kHelp[] = {
    {Command::kUp, "Up/k Down/j", "move the selection (logs: scroll)"},
    {Command::kPageUp, "PgUp PgDn g G", "a page up or down, the first or last line"},
    {Command::kRestart, "r", "restart the selected process (asks first)"},
    {Command::kStart, "s", "start it (asks first)"},
    {Command::kStop, "x", "stop it (asks first)"},
    {Command::kScaleUp, "+ -", "scale it up or down by one instance (asks first)"},
    {Command::kTrigger, "t", "run the selected scheduled job now (asks first)"},
    {Command::kLogs, "l Enter", "follow the selected process's log"},
    {Command::kJobs, "J", "the scheduled jobs"},
    {Command::kSort, "o O", "sort by the next column; reverse the order"},
    {Command::kFilter, "/", "filter by name, instance or state (Enter keeps, Esc clears)"},
    {Command::kBack, "Esc q p", "back to the process table"},
    {Command::kHelp, "?", "this help (any key closes it)"},
    {Command::kQuit, "q", "quit"},
};

bool WorksIn(const Binding& b, View view) {
  switch (view) {
    case View::kProcesses:
      return b.processes;
    case View::kLogs:
      return b.logs;
    case View::kJobs:
      return b.jobs;
  }
  return false;
}

bool Bound(Command command, View view) {
  for (const Binding& b : kBindings) {
    if (b.command == command && WorksIn(b, view)) return true;
  }
  return false;
}

}  // namespace

Command CommandFor(int key, View view) {
  for (const Binding& b : kBindings) {
    if (b.key == key && WorksIn(b, view)) return b.command;
  }
  if (key == KEY_ENTER || key == '\r') return CommandFor('\n', view);
  return Command::kNone;
}

bool IsEnterKey(int key) { return key == '\n' || key == '\r' || key == KEY_ENTER; }
bool IsEscapeKey(int key) { return key == kEscape; }
bool IsBackspaceKey(int key) { return key == KEY_BACKSPACE || key == 127 || key == 8; }
bool IsResizeKey(int key) { return key == KEY_RESIZE; }

std::vector<KeyHelp> HelpFor(View view) {
  std::vector<KeyHelp> out;
  for (const CommandHelp& h : kHelp) {
    if (Bound(h.command, view)) out.push_back({h.keys, h.what});
  }
  return out;
}

std::string FooterFor(View view) {
  switch (view) {
    case View::kProcesses:
      return "r restart  s start  x stop  +/- scale  l logs  J jobs  / filter  o sort  ? help  "
             "q quit";
    case View::kLogs:
      return "Up/Down scroll  G follow  J jobs  ? help  Esc back";
    case View::kJobs:
      return "t trigger  l logs  ? help  Esc back";
  }
  return "";
}

}  // namespace phpeek::cli::tui
