// `phpeek-pm tui` in a real terminal (tmux) on a real daemon: the table shows what the API shows,
// a key restarts, the log view follows, a resize keeps it readable, and a daemon that goes away
// gives a message while the TUI keeps running.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/tmux_session.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::BinaryPath;
using phpeek::testing::TmuxSession;
using phpeek::testing::WaitUntil;

const char kStack[] =
    "  php-fpm:\n    command: [\"sleep\", \"600\"]\n    scale: 2\n    max_scale: 4\n"
    "  nginx:\n    command: [\"sleep\", \"600\"]\n"
    "  queue-worker:\n    command: [\"sleep\", \"600\"]\n    scale: 3\n"
    "  mailer:\n    command: [\"sleep\", \"600\"]\n    initial_state: stopped\n"
    "  report:\n    command: [\"true\"]\n    schedule: \"0 3 * * *\"\n";

// The screen's line that contains `text`, or "".
std::string LineWith(const std::string& screen, const std::string& text) {
  std::istringstream in(screen);
  for (std::string line; std::getline(in, line);) {
    if (line.find(text) != std::string::npos) return line;
  }
  return "";
}

// Every running instance of `process` is on screen with its pid.
bool ShowsPids(const std::string& screen, const std::vector<int>& pids) {
  if (pids.empty()) return false;
  for (int pid : pids) {
    if (LineWith(screen, " " + std::to_string(pid) + " ").empty()) return false;
  }
  return true;
}

std::vector<std::string> TuiCommand(const ApiDaemon& d) {
  return {BinaryPath(), "tui", "--url", d.base_url()};
}

// CPU time (user + system, clock ticks) the process has used so far.
long CpuTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

class TuiTest : public ::testing::Test {
 protected:
  void StartStack() {
    daemon_ = std::make_unique<ApiDaemon>("", kStack);
    ASSERT_TRUE(daemon_->ready()) << daemon_->daemon().Log();
    ASSERT_TRUE(WaitUntil([&] {
      return RunningPids(daemon_->Process("php-fpm")).size() == 2 &&
             RunningPids(daemon_->Process("queue-worker")).size() == 3;
    }));
    tmux_ = std::make_unique<TmuxSession>(TuiCommand(*daemon_), 120, 40);
    ASSERT_TRUE(tmux_->started());
  }

  std::unique_ptr<ApiDaemon> daemon_;
  std::unique_ptr<TmuxSession> tmux_;  // after the daemon: goes first
};

TEST_F(TuiTest, TableShowsWhatTheApiShowsAndIdlesWithoutCpu) {
  StartStack();
  std::vector<int> pids = RunningPids(daemon_->Process("php-fpm"));
  for (int pid : RunningPids(daemon_->Process("queue-worker"))) pids.push_back(pid);
  std::string screen;
  ASSERT_TRUE(
      tmux_->WaitForScreen([&](const std::string& s) { return ShowsPids(s, pids); }, &screen))
      << screen;
  for (const char* text : {"PROCESS", "INSTANCE", "STATE", "PID", "STARTED", "RESTARTS"}) {
    EXPECT_NE(LineWith(screen, "PROCESS").find(text), std::string::npos) << text << "\n" << screen;
  }
  EXPECT_NE(LineWith(screen, "php-fpm-0").find("running"), std::string::npos) << screen;
  EXPECT_NE(LineWith(screen, "mailer-0").find("stopped"), std::string::npos) << screen;
  EXPECT_NE(LineWith(screen, "report").find("idle"), std::string::npos) << screen;
  EXPECT_NE(LineWith(screen, "report").find("0 runs, next "), std::string::npos) << screen;
  EXPECT_NE(screen.find("q quit"), std::string::npos) << screen;

  // A change made elsewhere shows up (the event stream is followed): mailer started.
  ASSERT_EQ(daemon_->Call("POST", "/api/v1/processes/mailer/start").status, 202);
  std::vector<int> mailer;
  ASSERT_TRUE(
      WaitUntil([&] { return (mailer = RunningPids(daemon_->Process("mailer"))).size() == 1; }));
  ASSERT_TRUE(
      tmux_->WaitForScreen([&](const std::string& s) { return ShowsPids(s, mailer); }, &screen))
      << screen;

  // Then nothing changes: the TUI sleeps in poll. A busy loop or a periodic timer would cost tens
  // of clock ticks in 2 s; one is allowed, because a tick is charged to whatever runs when it
  // fires, and the last redraw may just be ending.
  const long before = CpuTicks(tmux_->program_pid());
  EXPECT_FALSE(WaitUntil([&] { return CpuTicks(tmux_->program_pid()) > before + 1; },
                         std::chrono::milliseconds(2000)))
      << "the idle TUI used CPU: " << CpuTicks(tmux_->program_pid()) - before << " ticks";

  // The filter and the help.
  tmux_->SendKeys({"/", "queue", "Enter"});
  ASSERT_TRUE(tmux_->WaitForText("filter: queue", &screen)) << screen;
  EXPECT_EQ(LineWith(screen, "php-fpm-0"), "") << screen;
  EXPECT_NE(LineWith(screen, "queue-worker-2"), "") << screen;
  tmux_->SendKeys({"?"});
  ASSERT_TRUE(tmux_->WaitForText("restart the selected process", &screen)) << screen;
  tmux_->SendKeys({"Escape", "q"});
  ASSERT_TRUE(WaitUntil([&] { return tmux_->ExitStatus().has_value(); })) << tmux_->Screen();
  EXPECT_EQ(tmux_->ExitStatus(), 0);
}

TEST_F(TuiTest, RestartKeyRestartsAfterConfirmation) {
  StartStack();
  const std::vector<int> old_pids = RunningPids(daemon_->Process("php-fpm"));
  std::string screen;
  ASSERT_TRUE(
      tmux_->WaitForScreen([&](const std::string& s) { return ShowsPids(s, old_pids); }, &screen))
      << screen;
  tmux_->SendKeys({"/", "php-fpm", "Enter", "r"});
  ASSERT_TRUE(tmux_->WaitForText("Restart php-fpm (2 instances)?", &screen)) << screen;
  // Another key than y: nothing happens.
  tmux_->SendKeys({"n"});
  ASSERT_TRUE(tmux_->WaitForText("cancelled", &screen)) << screen;
  EXPECT_EQ(RunningPids(daemon_->Process("php-fpm")), old_pids);

  tmux_->SendKeys({"r"});
  ASSERT_TRUE(tmux_->WaitForText("Restart php-fpm (2 instances)?", &screen)) << screen;
  tmux_->SendKeys({"y"});
  std::vector<int> new_pids;
  ASSERT_TRUE(WaitUntil([&] {
    new_pids = RunningPids(daemon_->Process("php-fpm"));
    return new_pids.size() == 2 && std::none_of(new_pids.begin(), new_pids.end(), [&](int p) {
             return std::count(old_pids.begin(), old_pids.end(), p) > 0;
           });
  }));
  ASSERT_TRUE(
      tmux_->WaitForScreen([&](const std::string& s) { return ShowsPids(s, new_pids); }, &screen))
      << screen;
  EXPECT_NE(screen.find("restart php-fpm: initiated"), std::string::npos) << screen;

  // The whole table again, in a window just big enough, for the README's screenshot.
  tmux_->SendKeys({"/", "Escape"});
  tmux_->Resize(110, 14);
  ASSERT_TRUE(tmux_->WaitForScreen(
      [&](const std::string& s) {
        return s.find("filter:") == std::string::npos && LineWith(s, "q quit") != "" &&
               LineWith(s, "report").find("next") != std::string::npos &&
               std::count(s.begin(), s.end(), '\n') == 14;
      },
      &screen))
      << screen;
  std::filesystem::create_directories(PHPEEK_TUI_OUTPUT_DIR);
  std::ofstream(std::string(PHPEEK_TUI_OUTPUT_DIR) + "/tui-screenshot.txt") << screen;
}

// A daemon that shuts down (SIGTERM: its streams end with `event: end`) and a new one on the same
// port: the TUI says the connection is lost, then shows the new daemon's processes.
TEST(TuiReconnect, ShowsTheNewDaemonWhenItIsBack) {
  const int port = phpeek::testing::FreePort();
  const std::map<std::string, std::string> env = {
      {"PHPEEK_PM_GLOBAL_API_PORT", std::to_string(port)}};
  const std::string processes = "  web:\n    command: [\"sleep\", \"600\"]\n";
  auto first = std::make_unique<ApiDaemon>("", processes, env);
  ASSERT_TRUE(first->ready()) << first->daemon().Log();
  ASSERT_EQ(first->port(), port);
  std::vector<int> pids;
  ASSERT_TRUE(WaitUntil([&] { return (pids = RunningPids(first->Process("web"))).size() == 1; }));
  TmuxSession tmux(TuiCommand(*first), 120, 40);
  ASSERT_TRUE(tmux.started());
  std::string screen;
  ASSERT_TRUE(tmux.WaitForScreen([&](const std::string& s) { return ShowsPids(s, pids); }, &screen))
      << screen;
  first->daemon().Signal(SIGTERM);
  // (Why depends on what the TUI was doing: the stream's end, or a fetch the stopping API cut.)
  ASSERT_TRUE(tmux.WaitForText("connection lost", &screen)) << screen;
  ASSERT_TRUE(first->daemon().WaitExit().has_value());
  first.reset();

  ApiDaemon second("", processes, env);
  ASSERT_TRUE(second.ready()) << second.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return (pids = RunningPids(second.Process("web"))).size() == 1; }));
  ASSERT_TRUE(tmux.WaitForScreen(
      [&](const std::string& s) {
        return ShowsPids(s, pids) &&
               s.find("connection to the daemon restored") != std::string::npos;
      },
      &screen))
      << screen;
  // Its event stream is followed again: a stop shows up.
  EXPECT_EQ(second.Call("POST", "/api/v1/processes/web/stop").status, 202);
  ASSERT_TRUE(tmux.WaitForScreen(
      [](const std::string& s) {
        return LineWith(s, "web-0").find("stopped") != std::string::npos;
      },
      &screen))
      << screen;
}

// Over the Unix socket, with the token from PHPEEK_PM_API_AUTH: the list and the event stream are
// both authorized (a stop made elsewhere shows up). A wrong token: a message, no screen.
TEST(TuiUnixSocket, TokenFromTheEnvironment) {
  phpeek::testing::TempDir dir;
  const std::string socket = dir.Join("api.sock");
  ApiDaemon d("  api_auth: sekret\n  api_socket: " + socket + "\n",
              "  web:\n    command: [\"sleep\", \"600\"]\n");
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::map<std::string, std::string> auth = {{"Authorization", "Bearer sekret"}};
  ASSERT_TRUE(WaitUntil([&] { return RunningPids(d.Process("web", auth)).size() == 1; }));
  TmuxSession tmux(
      {"env", "PHPEEK_PM_API_AUTH=sekret", BinaryPath(), "tui", "--url", "unix:" + socket}, 120,
      40);
  ASSERT_TRUE(tmux.started());
  std::string screen;
  ASSERT_TRUE(tmux.WaitForText("running", &screen)) << screen;
  EXPECT_NE(screen.find("unix:" + socket), std::string::npos) << screen;
  EXPECT_EQ(d.Call("POST", "/api/v1/processes/web/stop", "", auth).status, 202);
  ASSERT_TRUE(tmux.WaitForScreen(
      [](const std::string& s) {
        return LineWith(s, "web-0").find("stopped") != std::string::npos;
      },
      &screen))
      << screen;

  TmuxSession wrong(
      {"env", "PHPEEK_PM_API_AUTH=nope", BinaryPath(), "tui", "--url", "unix:" + socket}, 120, 40);
  ASSERT_TRUE(wrong.started());
  ASSERT_TRUE(WaitUntil([&] { return wrong.ExitStatus().has_value(); })) << wrong.Screen();
  EXPECT_EQ(wrong.ExitStatus(), 1);
  const std::string said = wrong.ScreenAndHistory();
  EXPECT_NE(said.find("phpeek-pm: unauthorized"), std::string::npos) << said;
}

TEST(TuiLogView, FollowsTheLinesOfTheProcess) {
  phpeek::testing::TempDir dir;
  const std::string fifo = dir.Join("say");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Prints a line, then whatever the test writes into the fifo. Two streams at most: the TUI's
  // event stream and its log stream.
  ApiDaemon d("  api_max_streams: 2\n",
              "  writer:\n    command: [\"sh\", \"-c\", \"echo before-open; cat " + fifo +
                  "; exec sleep 600\"]\n");
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  TmuxSession tmux(TuiCommand(d), 120, 40);
  ASSERT_TRUE(tmux.started());
  std::string screen;
  ASSERT_TRUE(tmux.WaitForText("writer-0", &screen)) << screen;
  tmux.SendKeys({"l"});
  ASSERT_TRUE(tmux.WaitForText("before-open", &screen)) << screen;
  EXPECT_NE(screen.find("logs: writer  (following)"), std::string::npos) << screen;

  int fd = -1;  // the process reads the fifo once `cat` has opened it
  ASSERT_TRUE(WaitUntil([&] { return (fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK)) >= 0; }));
  const std::string line = "after-open-line\n";
  ASSERT_EQ(write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  close(fd);
  ASSERT_TRUE(tmux.WaitForText("after-open-line", &screen)) << screen;
  EXPECT_LT(screen.find("before-open"), screen.find("after-open-line")) << screen;

  // Leaving the view gives its stream back within a second (not at the next heartbeat, 15 s).
  auto stream_status = [&] {
    const auto r =
        phpeek::testing::RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                     "--max-time", "1", d.base_url() + "/api/v1/events"});
    return r.out;
  };
  EXPECT_EQ(stream_status(), "503") << "both streams are the TUI's";
  tmux.SendKeys({"Escape"});
  ASSERT_TRUE(tmux.WaitForText("PROCESS", &screen)) << screen;
  EXPECT_TRUE(WaitUntil([&] { return stream_status() == "200"; }, std::chrono::milliseconds(4000)));
}

TEST_F(TuiTest, ResizeKeepsItReadable) {
  StartStack();
  std::string screen;
  ASSERT_TRUE(tmux_->WaitForText("queue-worker-2", &screen)) << screen;
  tmux_->Resize(60, 20);
  ASSERT_TRUE(tmux_->WaitForScreen(
      [](const std::string& s) {
        std::istringstream in(s);
        int lines = 0;
        for (std::string line; std::getline(in, line); ++lines) {
          if (line.size() > 60 * 3) return false;  // (box-drawing characters are 3 bytes)
        }
        return lines == 20 && LineWith(s, "PROCESS").find("INSTANCE") != std::string::npos &&
               s.find("r restart") != std::string::npos;
      },
      &screen))
      << screen;
  EXPECT_NE(LineWith(screen, "php-fpm-0").find("running"), std::string::npos) << screen;
  tmux_->Resize(120, 40);
  ASSERT_TRUE(tmux_->WaitForScreen(
      [](const std::string& s) {
        return LineWith(s, "PROCESS").find("RESTARTS  READY") != std::string::npos &&
               s.find("q quit") != std::string::npos;
      },
      &screen))
      << screen;
  EXPECT_NE(LineWith(screen, "queue-worker-2").find("running"), std::string::npos) << screen;
  EXPECT_FALSE(tmux_->ExitStatus().has_value());
  // SIGTERM (as Ctrl-C's SIGINT) ends it through the loop: the terminal restored, status 0.
  kill(tmux_->program_pid(), SIGTERM);
  ASSERT_TRUE(WaitUntil([&] { return tmux_->ExitStatus().has_value(); })) << tmux_->Screen();
  EXPECT_EQ(tmux_->ExitStatus(), 0);
}

TEST_F(TuiTest, DaemonGoneGivesAMessageNotACrash) {
  StartStack();
  std::string screen;
  ASSERT_TRUE(tmux_->WaitForText("queue-worker-2", &screen)) << screen;
  // The daemon killed outright (no shutdown event); its children are the test's to stop.
  std::vector<int> children = RunningPids(daemon_->Process("php-fpm"));
  for (int pid : RunningPids(daemon_->Process("queue-worker"))) children.push_back(pid);
  for (int pid : RunningPids(daemon_->Process("nginx"))) children.push_back(pid);
  daemon_->daemon().Signal(SIGKILL);
  ASSERT_TRUE(tmux_->WaitForText("connection lost", &screen)) << screen;
  // It retries, and says why it still cannot connect.
  ASSERT_TRUE(tmux_->WaitForText("cannot reach the phpeek-pm daemon", &screen)) << screen;
  EXPECT_NE(screen.find("queue-worker-2"), std::string::npos) << "the last table stays\n" << screen;
  EXPECT_FALSE(tmux_->ExitStatus().has_value());
  tmux_->SendKeys({"q"});
  ASSERT_TRUE(WaitUntil([&] { return tmux_->ExitStatus().has_value(); })) << tmux_->Screen();
  EXPECT_EQ(tmux_->ExitStatus(), 0);
  for (int pid : children) kill(pid, SIGKILL);
}

}  // namespace
}  // namespace phpeek::rest::itest
