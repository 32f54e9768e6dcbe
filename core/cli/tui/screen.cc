#include "core/cli/tui/screen.h"

#include <curses.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <ctime>
#include <string>
#include <vector>

#include "core/cli/client/job_table.h"

namespace phpeek::cli::tui {
namespace {

// Lines above and below the body: title and column header; status and footer.
constexpr int kTopLines = 2;
constexpr int kBottomLines = 2;

enum ColorPair : short { kGood = 1, kBad, kBusy, kAlert };

void InitColors() {
  if (!has_colors()) return;
  start_color();
  use_default_colors();
  init_pair(kGood, COLOR_GREEN, -1);
  init_pair(kBad, COLOR_RED, -1);
  init_pair(kBusy, COLOR_YELLOW, -1);
  init_pair(kAlert, COLOR_WHITE, COLOR_RED);
}

chtype StateColor(const std::string& state) {
  if (!has_colors()) return A_NORMAL;
  if (state == "running" || state == "completed" || state == "idle") return COLOR_PAIR(kGood);
  if (state == "failed" || state == "fatal" || state == "blocked") return COLOR_PAIR(kBad);
  if (state == "starting" || state == "stopping" || state == "backoff" || state == "executing") {
    return COLOR_PAIR(kBusy);
  }
  return A_NORMAL;
}

// `text` at (y, x), cut at the right edge.
void Put(int y, int x, const std::string& text, chtype attributes = A_NORMAL) {
  if (y < 0 || y >= LINES || x >= COLS) return;
  attron(attributes);
  mvaddnstr(y, x, text.c_str(), std::min<int>(static_cast<int>(text.size()), COLS - x));
  attroff(attributes);
}

// A whole line in `attributes` (a bar), padded to the width.
void Bar(int y, const std::string& text, chtype attributes) {
  std::string line = text;
  if (static_cast<int>(line.size()) < COLS) line.resize(static_cast<size_t>(COLS), ' ');
  Put(y, 0, line, attributes);
}

using Cells = std::vector<std::string>;

std::vector<size_t> Widths(const std::vector<Cells>& rows) {
  std::vector<size_t> width;
  for (const Cells& r : rows) {
    width.resize(std::max(width.size(), r.size()), 0);
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  return width;
}

// One row of left-aligned cells two spaces apart; cell `color_cell` in `color`.
void PutRow(int y, const Cells& cells, const std::vector<size_t>& width, chtype base,
            size_t color_cell = SIZE_MAX, chtype color = A_NORMAL) {
  if (base & A_REVERSE) Bar(y, "", base);
  int x = 0;
  for (size_t c = 0; c < cells.size() && x < COLS; ++c) {
    Put(y, x, cells[c], c == color_cell ? (base | color) : base);
    x += static_cast<int>(width[c]) + 2;
  }
}

// The first row shown, so that `selected` is in a window of `height` rows.
size_t KeepInView(size_t top, size_t selected, size_t count, int height) {
  const size_t h = static_cast<size_t>(std::max(height, 1));
  if (selected < top) top = selected;
  if (selected >= top + h) top = selected - h + 1;
  if (count <= h) top = 0;
  return std::min(top, count > h ? count - h : 0);
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

void DrawProcesses(TuiState* s, int height) {
  const int64_t now = Now();
  std::vector<Cells> rows = {
      {"PROCESS", "INSTANCE", "STATE", "PID", "STARTED", "RESTARTS", "READY", "NOTE"}};
  for (const TableRow& r : s->visible) {
    rows.push_back({r.process, r.instance, r.state, r.pid > 0 ? std::to_string(r.pid) : "-",
                    StartedCell(r.started_at, now), std::to_string(r.restarts),
                    r.ready ? "yes" : "no", r.note});
  }
  const std::vector<size_t> width = Widths(rows);
  PutRow(1, rows[0], width, A_BOLD);
  if (s->visible.empty()) {
    Put(kTopLines, 1, s->filter.empty() ? "(no processes)" : "(no process matches the filter)");
    return;
  }
  s->selected = std::min(s->selected, s->visible.size() - 1);
  s->table_top = KeepInView(s->table_top, s->selected, s->visible.size(), height);
  for (int line = 0; line < height; ++line) {
    const size_t i = s->table_top + static_cast<size_t>(line);
    if (i >= s->visible.size()) break;
    const chtype base = i == s->selected ? A_REVERSE : A_NORMAL;
    PutRow(kTopLines + line, rows[i + 1], width, base, 2, StateColor(s->visible[i].state));
  }
}

std::string TimeOrDash(const std::optional<int64_t>& t) {
  return t ? client::FormatLocalTime(*t) : "-";
}

void DrawJobs(TuiState* s, int height) {
  std::vector<Cells> rows = {
      {"JOB", "SCHEDULE", "STATE", "NEXT RUN", "LAST RUN", "LAST EXIT", "RUNS"}};
  for (const client::JobRow& j : s->jobs) {
    rows.push_back({j.name, j.schedule, j.state, TimeOrDash(j.next_run), TimeOrDash(j.last_run),
                    j.last_exit_code ? std::to_string(*j.last_exit_code) : "-",
                    std::to_string(j.run_count)});
  }
  const std::vector<size_t> width = Widths(rows);
  PutRow(1, rows[0], width, A_BOLD);
  if (s->jobs.empty()) {
    Put(kTopLines, 1, "(no scheduled jobs: no process has a schedule)");
    return;
  }
  s->job_selected = std::min(s->job_selected, s->jobs.size() - 1);
  const size_t top = KeepInView(0, s->job_selected, s->jobs.size(), height);
  for (int line = 0; line < height; ++line) {
    const size_t i = top + static_cast<size_t>(line);
    if (i >= s->jobs.size()) break;
    const chtype base = i == s->job_selected ? A_REVERSE : A_NORMAL;
    PutRow(kTopLines + line, rows[i + 1], width, base, 2, StateColor(s->jobs[i].state));
  }
}

void DrawLog(const TuiState& s, int height) {
  Put(1, 0, "the lines of every instance of " + s.log_process + ", oldest first", A_BOLD);
  const std::vector<std::string> lines = s.log.Window(static_cast<size_t>(std::max(height, 0)));
  if (lines.empty()) Put(kTopLines, 1, s.log_streaming ? "(no lines yet)" : "(connecting)");
  for (size_t i = 0; i < lines.size(); ++i) Put(kTopLines + static_cast<int>(i), 0, lines[i]);
}

std::string Title(const TuiState& s) {
  std::string title = " phpeek-pm  " + s.api_url + "  ";
  switch (s.view) {
    case View::kProcesses:
      title += std::to_string(s.visible.size()) + "/" + std::to_string(s.rows.size()) +
               " rows  sort: " + SortKeyName(s.sort.key) + (s.sort.descending ? " desc" : " asc");
      if (!s.filter.empty()) title += "  filter: " + s.filter;
      break;
    case View::kLogs:
      title += "logs: " + s.log_process + (s.log.following() ? "  (following)" : "  (scrolled)");
      break;
    case View::kJobs:
      title += "scheduled jobs: " + std::to_string(s.jobs.size());
      break;
  }
  return title;
}

void DrawStatus(const TuiState& s) {
  const int y = LINES - 2;
  if (!s.connected) {
    Bar(y, " " + s.connection_error,
        has_colors() ? COLOR_PAIR(kAlert) | A_BOLD : A_REVERSE | A_BOLD);
  } else if (s.editing_filter) {
    Put(y, 0, "/" + s.filter);
    move(y, std::min(COLS - 1, static_cast<int>(s.filter.size()) + 1));
  } else {
    Put(y, 0, " " + s.message);
  }
}

// A box in the middle of the screen with `lines` in it.
void DrawBox(const std::vector<std::string>& lines) {
  size_t inner = 0;
  for (const std::string& l : lines) inner = std::max(inner, l.size());
  const int w = std::min(COLS, static_cast<int>(inner) + 4);
  const int h = std::min(LINES, static_cast<int>(lines.size()) + 2);
  const int y0 = std::max(0, (LINES - h) / 2);
  const int x0 = std::max(0, (COLS - w) / 2);
  for (int y = 0; y < h; ++y) {
    mvhline(y0 + y, x0, ' ', w);
  }
  if (w >= 2 && h >= 2) {
    mvaddch(y0, x0, ACS_ULCORNER);
    mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
    mvaddch(y0, x0 + w - 1, ACS_URCORNER);
    mvvline(y0 + 1, x0, ACS_VLINE, h - 2);
    mvvline(y0 + 1, x0 + w - 1, ACS_VLINE, h - 2);
    mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
    mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
    mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
  }
  for (size_t i = 0; i < lines.size() && static_cast<int>(i) + 1 < h - 1; ++i) {
    const std::string& l = lines[i];
    mvaddnstr(y0 + 1 + static_cast<int>(i), x0 + 2, l.c_str(),
              std::min(static_cast<int>(l.size()), std::max(0, w - 4)));
  }
}

void DrawHelp(View view) {
  std::vector<std::string> lines = {"Keys", ""};
  for (const KeyHelp& k : HelpFor(view)) {
    std::string keys = k.keys;
    keys.resize(std::max<size_t>(keys.size(), 14), ' ');
    lines.push_back(keys + " " + k.what);
  }
  lines.push_back("");
  lines.push_back("Any key closes this help.");
  DrawBox(lines);
}

}  // namespace

Screen::Screen() {
  std::setlocale(LC_ALL, "");
  // Esc alone must not wait a second for the rest of an escape sequence.
  set_escdelay(25);
  initscr();
  cbreak();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  curs_set(0);
  InitColors();
}

Screen::~Screen() { endwin(); }

void Screen::Resize() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
    resizeterm(ws.ws_row, ws.ws_col);
  }
  clearok(curscr, TRUE);  // the terminal may have reflowed what it showed: draw it all again
}

int Screen::ReadKey() {
  const int key = getch();
  return key == ERR ? -1 : key;
}

int Screen::BodyHeight() const { return std::max(1, LINES - kTopLines - kBottomLines); }

void Screen::Draw(TuiState* state) {
  erase();
  curs_set(state->editing_filter ? 1 : 0);
  if (LINES < kTopLines + kBottomLines + 1 || COLS < 20) {
    Put(0, 0, "terminal too small");
    refresh();
    return;
  }
  Bar(0, Title(*state), A_REVERSE | A_BOLD);
  const int height = BodyHeight();
  switch (state->view) {
    case View::kProcesses:
      DrawProcesses(state, height);
      break;
    case View::kJobs:
      DrawJobs(state, height);
      break;
    case View::kLogs:
      DrawLog(*state, height);
      break;
  }
  Bar(LINES - 1, " " + FooterFor(state->view), A_REVERSE);
  if (state->help) {
    DrawHelp(state->view);
  } else if (state->confirm) {
    DrawBox({state->confirm->question, "", "y: yes    any other key: no"});
  }
  DrawStatus(*state);  // last: the filter prompt leaves the cursor there
  refresh();
}

}  // namespace phpeek::cli::tui
