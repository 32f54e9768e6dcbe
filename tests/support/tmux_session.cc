#include "tests/support/tmux_session.h"

#include <signal.h>

#include <cstdlib>

namespace phpeek::testing {
namespace {

constexpr char kSession[] = "tui";

pid_t ParsePid(const std::string& text) { return static_cast<pid_t>(std::atol(text.c_str())); }

}  // namespace

TmuxSession::TmuxSession(const std::vector<std::string>& argv, int columns, int lines)
    : socket_("phpeek-test-" + UniqueMark()), status_path_(dir_.Join("status")) {
  // No status line: the program gets every row. The pane outlives the program, for its screen.
  const std::string conf = dir_.Write("tmux.conf", "set -g status off\nset -g remain-on-exit on\n");
  // The exit status through a shell that writes it to a file: tmux 3.3 sometimes leaves a pane's
  // ended program a zombie without a status (#{pane_dead_status} empty) for seconds.
  const std::string keep_status =
      "\"$@\"; echo $? >" + status_path_ + ".new && mv " + status_path_ + ".new " + status_path_;
  std::vector<std::string> args = {"-f", conf, "new-session", "-d", "-s", kSession, "-x"};
  args.insert(args.end(), {std::to_string(columns), "-y", std::to_string(lines), "--", "sh", "-c",
                           keep_status, "sh"});
  args.insert(args.end(), argv.begin(), argv.end());
  if (Tmux(args).exit_code != 0) return;
  server_pid_ = ParsePid(Tmux({"display-message", "-p", "-t", kSession, "#{pid}"}).out);
  const pid_t shell = ParsePid(Tmux({"display-message", "-p", "-t", kSession, "#{pane_pid}"}).out);
  // The program is the shell's child (none left when it has ended already).
  WaitUntil(
      [&] {
        const std::vector<pid_t> children = ChildrenOf(shell);
        if (!children.empty()) program_pid_ = children[0];
        return program_pid_ > 0 || ExitStatus().has_value();
      },
      std::chrono::milliseconds(5000));
}

TmuxSession::~TmuxSession() {
  if (server_pid_ <= 0) return;
  Tmux({"kill-server"});
  if (!WaitUntil([&] { return !ProcessExists(server_pid_); }, std::chrono::milliseconds(5000))) {
    ::kill(server_pid_, SIGKILL);
  }
}

RunResult TmuxSession::Tmux(std::vector<std::string> args) const {
  args.insert(args.begin(), {"tmux", "-L", socket_});
  return RunCommand(args, {}, std::chrono::milliseconds(10000));
}

std::string TmuxSession::Screen() const { return Tmux({"capture-pane", "-p", "-t", kSession}).out; }

std::string TmuxSession::ScreenAndHistory() const {
  return Tmux({"capture-pane", "-p", "-J", "-S", "-", "-t", kSession}).out;
}

bool TmuxSession::WaitForScreen(const std::function<bool(const std::string&)>& ok,
                                std::string* last, std::chrono::milliseconds deadline) const {
  return WaitUntil(
      [&] {
        *last = Screen();
        return ok(*last);
      },
      deadline);
}

bool TmuxSession::WaitForText(const std::string& text, std::string* last,
                              std::chrono::milliseconds deadline) const {
  return WaitForScreen(
      [&](const std::string& screen) { return screen.find(text) != std::string::npos; }, last,
      deadline);
}

void TmuxSession::SendKeys(const std::vector<std::string>& keys) const {
  std::vector<std::string> args = {"send-keys", "-t", kSession};
  args.insert(args.end(), keys.begin(), keys.end());
  Tmux(args);
}

void TmuxSession::Resize(int columns, int lines) const {
  Tmux({"resize-window", "-t", kSession, "-x", std::to_string(columns), "-y",
        std::to_string(lines)});
}

std::optional<int> TmuxSession::ExitStatus() const {
  const std::string text = ReadFile(status_path_);  // written whole (renamed) once it ended
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  return std::atoi(text.c_str());
}

}  // namespace phpeek::testing
