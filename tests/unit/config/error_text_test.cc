// The exact text and JSON of diagnostics, their order, and the program-on-PATH warnings.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class ErrorTextTest : public ConfigTest {};

TEST_F(ErrorTextTest, TextAndJsonForms) {
  const LoadResult r = Load(
      "processes:\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    shutdown:\n"
      "      signal: SIGTERN\n");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(FormatText(d), path_ +
                               ":5:15: error: processes.web.shutdown.signal: unknown signal "
                               "'SIGTERN' (hint: did you mean 'SIGTERM'?)");
  EXPECT_EQ(FormatJson(d), "{\"severity\":\"error\",\"file\":\"" + path_ +
                               "\",\"line\":5,\"column\":15,\"key\":\"processes.web.shutdown."
                               "signal\",\"message\":\"unknown signal 'SIGTERN'\",\"hint\":\"did "
                               "you mean 'SIGTERM'?\"}");
}

TEST_F(ErrorTextTest, DiagnosticsAreInFileOrder) {
  const LoadResult r = Load(
      "processes:\n"
      "  b:\n"
      "    command: /bin/true\n"
      "    depends_on: [zz]\n"  // found by validation, after reading
      "  a:\n"
      "    command: /bin/true\n"
      "    scael: 1\n"  // found while reading
      "global:\n"
      "  log_level: loud\n");  // read first of all
  ASSERT_EQ(r.diagnostics.size(), 3u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].pos.line, 4);
  EXPECT_EQ(r.diagnostics[1].pos.line, 7);
  EXPECT_EQ(r.diagnostics[2].pos.line, 9);
}

TEST_F(ErrorTextTest, UnknownTopLevelKey) {
  const LoadResult r = Load("proceses:\n  web: {command: /bin/true}\nprocesses: {}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const Diagnostic* d = FindDiag(r.diagnostics, "proceses");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(FormatText(*d), path_ +
                                ":1:1: warning: proceses: unknown key 'proceses' is ignored (hint: "
                                "did you mean 'processes'?)");
}

TEST_F(ErrorTextTest, DuplicateTopLevelKey) {
  const LoadResult r =
      Load("processes:\n  a: {command: /bin/true}\nprocesses:\n  b: {command: x}\n");
  const Diagnostic d = ExpectOneError(r, "processes");
  EXPECT_EQ(d.pos.line, 3);
  EXPECT_EQ(d.message, "duplicate key 'processes' (first defined at line 1)");
}

class ProgramCheckTest : public ConfigTest {
 protected:
  LoadResult LoadWithPrograms(const std::string& command, const Environment& extra = {}) {
    Environment env = {{"PATH", dir_.Join("bin")}};
    env.insert(extra.begin(), extra.end());
    return Load("processes:\n  web:\n    command: " + command + "\n", env, true);
  }
  void SetUp() override {
    ::mkdir(dir_.Join("bin").c_str(), 0755);
    const std::string tool = dir_.Write("bin/tool", "#!/bin/sh\n");
    ::chmod(tool.c_str(), 0755);
    dir_.Write("bin/not-executable", "x");
  }
};

TEST_F(ProgramCheckTest, FoundOnPathOrByPath) {
  EXPECT_TRUE(LoadWithPrograms("[tool, arg]").diagnostics.empty());
  EXPECT_TRUE(LoadWithPrograms("[\"" + dir_.Join("bin/tool") + "\"]").diagnostics.empty());
  EXPECT_TRUE(LoadWithPrograms("\"tool --flag | grep x\"").diagnostics.empty());
  EXPECT_TRUE(LoadWithPrograms("\"exec nothing-here\"").diagnostics.empty());  // builtin: skip
  EXPECT_TRUE(LoadWithPrograms("\"A=1 nothing-here\"").diagnostics.empty());   // not trivial
}

TEST_F(ProgramCheckTest, MissingProgramIsAWarningWithPosition) {
  const LoadResult r = LoadWithPrograms("[nothing-here, x]");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(FormatText(r.diagnostics[0]),
            path_ +
                ":3:14: warning: processes.web.command: program 'nothing-here' is not found "
                "on PATH (hint: starting it will fail unless it is installed by then)");
  EXPECT_EQ(LoadWithPrograms("\"nothing-here --x\"").diagnostics.size(), 1u);
  EXPECT_EQ(LoadWithPrograms("[not-executable]").diagnostics.size(), 1u);
  EXPECT_EQ(LoadWithPrograms("[/no/such/file]").diagnostics[0].message,
            "program '/no/such/file' does not exist or is not executable");
}

TEST_F(ProgramCheckTest, ProcessPathAndDisabledAndOptOut) {
  const LoadResult own_path = Load(
      "processes:\n  web:\n    command: [tool]\n    env: {PATH: \"" + dir_.Join("bin") + "\"}\n",
      {{"PATH", "/nonexistent"}}, true);
  EXPECT_TRUE(own_path.diagnostics.empty()) << Dump(own_path.diagnostics);
  const LoadResult disabled =
      Load("processes:\n  web:\n    command: [nothing-here]\n    enabled: false\n", {}, true);
  EXPECT_TRUE(disabled.diagnostics.empty()) << Dump(disabled.diagnostics);
  const LoadResult off = Load("processes:\n  web:\n    command: [nothing-here]\n", {}, false);
  EXPECT_TRUE(off.diagnostics.empty()) << Dump(off.diagnostics);
}

}  // namespace
}  // namespace phpeek::config
