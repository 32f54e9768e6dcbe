// Every curl line of management-api.md and of README.md's Management API section, run as written
// (only the address is the test daemon's) with the real curl against the real daemon: each is
// answered at once with the documented body. Before issue 10, `curl -X POST url` (no body, so no
// Content-Length) was answered only after 5 s.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "tests/integration/rest_api/api_daemon.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::ReadFile;
using phpeek::testing::RunCommand;
using Clock = std::chrono::steady_clock;

const char kSpecProcesses[] =
    "  php-fpm:\n    command: [\"sleep\", \"600\"]\n"
    "  queue-default:\n    command: [\"sleep\", \"600\"]\n"
    "  worker:\n    command: [\"sleep\", \"600\"]\n";

// The curl commands of the fenced shell blocks of a Markdown text, continuation lines joined.
std::vector<std::string> CurlLines(const std::string& markdown) {
  std::vector<std::string> commands;
  std::istringstream in(markdown);
  std::string line;
  std::string pending;
  bool in_shell = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      in_shell = !in_shell && (line == "```bash" || line == "```sh");
      continue;
    }
    if (!in_shell) continue;
    const bool continued = !line.empty() && line.back() == '\\';
    pending += continued ? line.substr(0, line.size() - 1) : line;
    if (continued) continue;
    if (pending.rfind("curl ", 0) == 0) commands.push_back(pending);
    pending.clear();
  }
  return commands;
}

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

// What the documented answer contains, by the command's path.
std::string ExpectedText(const std::string& command) {
  if (command.find("/health") != std::string::npos) return R"({"status":"healthy"})";
  if (command.find("/ready") != std::string::npos) return R"({"status":"ready"})";
  if (command.find("/scale") != std::string::npos) return R"("message":"scale initiated")";
  for (const char* verb : {"restart", "stop", "start"}) {
    if (command.find(std::string("/") + verb) != std::string::npos) {
      return std::string(R"({"message":")") + verb + " initiated\"";
    }
  }
  return R"({"processes":[)";
}

class DocsCurlTest : public ::testing::Test {
 protected:
  // Runs each line against the daemon whose api_auth is the line's bearer token (or the one
  // without authentication).
  void RunAll(const std::vector<std::string>& commands, size_t at_least) {
    ASSERT_GE(commands.size(), at_least) << "the documents' curl lines were not found";
    for (std::string command : commands) {
      ApiDaemon* d = &open_;
      if (command.find("Bearer your-secure-token-here") != std::string::npos) d = &secure_;
      if (command.find("Bearer your-token") != std::string::npos) d = &token_;
      ASSERT_TRUE(d->ready()) << d->daemon().Log();
      ReplaceAll(&command, "http://localhost:8080", d->base_url());
      ReplaceAll(&command, "http://127.0.0.1:9180", d->base_url());
      ASSERT_NE(command.find(d->base_url()), std::string::npos) << command;
      const auto start = Clock::now();
      const auto r = RunCommand({"sh", "-c", command});
      const auto elapsed = Clock::now() - start;
      EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.err;
      EXPECT_LT(elapsed, std::chrono::seconds(2)) << command << ": answered at once";
      EXPECT_NE(r.out.find(ExpectedText(command)), std::string::npos) << command << "\n" << r.out;
    }
  }

  ApiDaemon secure_{"  api_auth: your-secure-token-here\n", kSpecProcesses};
  ApiDaemon token_{"  api_auth: your-token\n", kSpecProcesses};
  ApiDaemon open_{"", kSpecProcesses};
};

TEST_F(DocsCurlTest, ManagementApiSpecExamples) {
  const std::string spec = ReadFile(PHPEEK_SOURCE_DIR "/../shared/spec/management-api.md");
  ASSERT_FALSE(spec.empty()) << "management-api.md not found next to the source tree";
  RunAll(CurlLines(spec), 5);
}

TEST_F(DocsCurlTest, ReadmeExamples) {
  const std::string readme = ReadFile(PHPEEK_SOURCE_DIR "/README.md");
  const size_t section = readme.find("## Management API");
  ASSERT_NE(section, std::string::npos);
  RunAll(CurlLines(readme.substr(section, readme.find("\n## ", section + 1) - section)), 4);
}

}  // namespace
}  // namespace phpeek::rest::itest
