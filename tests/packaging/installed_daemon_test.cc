// The daemon as the .deb installs it, run from the unpacked package root: its shipped config is
// valid, it finds the first-party plugins through <exe>/../lib/phpeek-pm/plugins (no setting),
// and its client commands the TLS client module in <exe>/../lib/phpeek-pm; it serves the API,
// speaks sd_notify as the Type=notify unit expects, hides NOTIFY_SOCKET from its children and stops
// cleanly on SIGTERM; its `tui` runs in a terminal (tmux). PHPEEK_PACKAGE_ROOT is the fixture's
// unpacked .deb.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "tests/support/fake_notify_socket.h"
#include "tests/support/test_support.h"
#include "tests/support/tmux_session.h"

namespace phpeek {
namespace {

using testing::RunCommand;
using testing::WaitUntil;

const std::string kRoot = PHPEEK_PACKAGE_ROOT;
const std::string kBinary = kRoot + "/usr/bin/phpeek-pm";
const std::string kConfig = kRoot + "/etc/phpeek-pm/phpeek-pm.yaml";

// The unpacked binary as a child of the test, with `env` added; stopped by its pid.
class Installed {
 public:
  Installed(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& log) {
    std::vector<std::string> argv{kBinary};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> envs = env;
    for (char** e = environ; *e; ++e) envs.push_back(*e);
    std::vector<char*> cargv, cenv;
    for (auto& a : argv) cargv.push_back(a.data());
    for (auto& e : envs) cenv.push_back(e.data());
    cargv.push_back(nullptr);
    cenv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    EXPECT_EQ(posix_spawn(&pid_, kBinary.c_str(), &actions, nullptr, cargv.data(), cenv.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Installed() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  // SIGTERM, then the exit code (or -1 after the deadline).
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    const bool done = WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) == pid_; });
    if (!done) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

TEST(InstalledDaemonTest, ShippedConfigIsValidWithoutWarnings) {
  const auto r = RunCommand({kBinary, "check-config", "--strict", "-c", kConfig});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(InstalledDaemonTest, RunsTheShippedConfigAsTheUnitWould) {
  testing::TempDir dir;
  testing::FakeNotifySocket systemd;  // Receive() waits up to 15 s: the packaged daemon starts cold
  const int port = testing::FreePort();
  const int dashboard_port = testing::FreePort();
  const std::string log = dir.Join("daemon.log");
  Installed daemon(
      {"serve", "-c", kConfig},
      {"NOTIFY_SOCKET=" + systemd.path(), "PHPEEK_PM_GLOBAL_API_PORT=" + std::to_string(port),
       "PHPEEK_PM_GLOBAL_DASHBOARD_ENABLED=true",
       "PHPEEK_PM_GLOBAL_DASHBOARD_PORT=" + std::to_string(dashboard_port)},
      log);
  EXPECT_EQ(systemd.Receive(15000), "READY=1\nSTATUS=1 process(es) started")
      << testing::ReadFile(log);

  // The API is the rest-api plugin, loaded from the package's plugin folder.
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/";
  const auto health = RunCommand({"curl", "-fsS", "--max-time", "5", url + "health"});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  EXPECT_NE(health.out.find("healthy"), std::string::npos) << health.out;
  const std::string maps = testing::ReadFile("/proc/" + std::to_string(daemon.pid()) + "/maps");
  EXPECT_NE(maps.find(kRoot + "/usr/lib/phpeek-pm/plugins/rest-api.so"), std::string::npos);

  // https:// loads the TLS client module from <exe>/../lib/phpeek-pm: against this plain-HTTP port
  // the handshake fails in OpenSSL, so the module was found and loaded.
  const auto https =
      RunCommand({kBinary, "status", "--url", "https://127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(https.exit_code, 1);
  EXPECT_NE(https.err.find(": TLS handshake failed: "), std::string::npos) << https.err;

  // So is the dashboard, switched on through the environment.
  const auto page = RunCommand({"curl", "-fsS", "--max-time", "5",
                                "http://127.0.0.1:" + std::to_string(dashboard_port) + "/"});
  EXPECT_EQ(page.exit_code, 0) << page.err;
  EXPECT_NE(page.out.find("<title>phpeek-pm</title>"), std::string::npos) << page.out;
  EXPECT_NE(maps.find(kRoot + "/usr/lib/phpeek-pm/plugins/dashboard.so"), std::string::npos);

  // The placeholder runs, and cannot talk to systemd in the daemon's name.
  const auto list = RunCommand({"curl", "-fsS", "--max-time", "5", url + "processes"});
  EXPECT_NE(list.out.find("placeholder"), std::string::npos) << list.out;
  const auto children = testing::ChildrenOf(daemon.pid());
  ASSERT_EQ(children.size(), 1u);
  const auto env = testing::EnvironOf(children[0]);
  EXPECT_EQ(env.count("NOTIFY_SOCKET"), 0u);
  EXPECT_EQ(env.count("PHPEEK_PM_PROCESS_NAME"), 1u);

  // The packaged binary's terminal UI (ncurses, the system's terminfo) shows the same process.
  {
    testing::TmuxSession tui({kBinary, "tui", "--url", "http://127.0.0.1:" + std::to_string(port)},
                             100, 20);
    ASSERT_TRUE(tui.started());
    std::string screen;
    EXPECT_TRUE(tui.WaitForText("placeholder-0", &screen)) << screen;
    tui.SendKeys({"q"});
    EXPECT_TRUE(WaitUntil([&] { return tui.ExitStatus().has_value(); })) << tui.Screen();
    EXPECT_EQ(tui.ExitStatus(), 0);
  }

  kill(daemon.pid(), SIGTERM);
  EXPECT_EQ(systemd.Receive(15000), "STOPPING=1");
  EXPECT_EQ(daemon.Stop(), 0) << testing::ReadFile(log);
}

}  // namespace
}  // namespace phpeek
