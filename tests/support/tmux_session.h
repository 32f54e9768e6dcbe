// A terminal for tests of the terminal UI: a tmux server of the test's own (its own socket name,
// no user configuration), one session of a given size running one program; keys go in with
// send-keys, the screen comes out as text with capture-pane. The pane stays after the program
// exits (remain-on-exit), so a test can read its last screen; a shell around the program keeps its
// exit status. The destructor ends the server (kill-server, then its pid if it is still there),
// which ends what runs in it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace phpeek::testing {

class TmuxSession {
 public:
  TmuxSession(const std::vector<std::string>& argv, int columns, int lines);
  ~TmuxSession();
  TmuxSession(const TmuxSession&) = delete;
  TmuxSession& operator=(const TmuxSession&) = delete;

  bool started() const { return server_pid_ > 0; }
  // The visible screen, one line per row (tmux drops trailing blanks).
  std::string Screen() const;
  // The screen and the lines scrolled off it: what a program printed before it ended.
  std::string ScreenAndHistory() const;
  // Waits until `ok` holds for the screen; *last gets the last screen read.
  bool WaitForScreen(const std::function<bool(const std::string&)>& ok, std::string* last,
                     std::chrono::milliseconds deadline = std::chrono::milliseconds(10000)) const;
  bool WaitForText(const std::string& text, std::string* last,
                   std::chrono::milliseconds deadline = std::chrono::milliseconds(10000)) const;
  // tmux key names: "r", "Enter", "Escape", "Up"; each a key of its own.
  void SendKeys(const std::vector<std::string>& keys) const;
  void Resize(int columns, int lines) const;
  // The program's exit status once it has exited; nullopt while it runs.
  std::optional<int> ExitStatus() const;
  // The program's pid (-1 when it ended before it could be seen).
  pid_t program_pid() const { return program_pid_; }

 private:
  RunResult Tmux(std::vector<std::string> args) const;

  TempDir dir_;
  std::string socket_;
  std::string status_path_;
  pid_t server_pid_ = -1;
  pid_t program_pid_ = -1;
};

}  // namespace phpeek::testing
