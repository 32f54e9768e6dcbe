// `user:`/`group:` on the real daemon: ids are resolved when the configuration is loaded, a number
// that does not fit uid_t stops the start with its position (it used to wrap to 0 and run the
// child as root), and the child runs with exactly the ids the load resolved.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

std::string StatusLine(pid_t pid, const std::string& field) {
  const std::string status = ReadFile("/proc/" + std::to_string(pid) + "/status");
  const size_t at = status.find("\n" + field + ":\t");
  if (at == std::string::npos) return "";
  const size_t begin = at + field.size() + 3;
  return status.substr(begin, status.find('\n', begin) - begin);
}

std::string Config(const std::string& command, const std::string& ids) {
  return "global:\n  api_enabled: false\n  log_format: text\n"
         "processes:\n  web:\n    command: " +
         command + "\n" + ids;
}

TEST(RunAsTest, UidThatWouldWrapToRootNeverStartsTheChild) {
  TempDir dir;
  const std::string marker = dir.Join("ran-as");
  const std::string path =
      dir.Write("c.yaml", Config("[\"sh\", \"-c\", \"id -u > " + marker + "; exec sleep 60\"]",
                                 "    user: \"4294967296\"\n"));
  const RunResult check = RunCommand({PHPEEK_BINARY, "check-config", "-c", path});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  EXPECT_NE(check.err.find(path + ":7:11: error: processes.web.user: user id 4294967296 is out "
                                  "of range (0 to 4294967294)"),
            std::string::npos)
      << check.err;

  Daemon daemon({"-c", path});
  EXPECT_EQ(daemon.WaitExit(std::chrono::seconds(10)), 1) << daemon.Log();
  EXPECT_NE(daemon.Log().find("user id 4294967296 is out of range"), std::string::npos)
      << daemon.Log();
  EXPECT_FALSE(WaitUntil([&] { return ::access(marker.c_str(), F_OK) == 0; }, 500ms))
      << "the child ran as uid " << ReadFile(marker);
}

TEST(RunAsTest, ChildRunsWithTheIdsResolvedAtLoad) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching user needs root";
  TempDir dir;
  const std::string path = dir.Write(
      "c.yaml", Config("[\"sleep\", \"60\"]", "    user: \"4294967294\"\n    group: nogroup\n"));
  Daemon daemon({"-c", path});
  ASSERT_TRUE(daemon.WaitForLog("process spawned")) << daemon.Log();
  std::vector<pid_t> children;
  ASSERT_TRUE(WaitUntil([&] {
    children = ChildrenOf(daemon.pid());
    return children.size() == 1 &&
           ReadFile("/proc/" + std::to_string(children[0]) + "/comm") == "sleep\n";
  }));
  EXPECT_EQ(StatusLine(children[0], "Uid"), "4294967294\t4294967294\t4294967294\t4294967294");
  EXPECT_EQ(StatusLine(children[0], "Gid"), "65534\t65534\t65534\t65534");
  EXPECT_EQ(StatusLine(children[0], "Groups"), "65534 ");
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

}  // namespace
}  // namespace phpeek::testing
