// Malformed files: each gets an error naming the place, nothing crashes or hangs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config/source_text.h"
#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class BadInputTest : public ConfigTest {
 protected:
  // Expects exactly one diagnostic, an error, and returns it.
  Diagnostic OnlyError(const LoadResult& r) {
    EXPECT_FALSE(r.config);
    EXPECT_EQ(r.diagnostics.size(), 1u) << Dump(r.diagnostics);
    if (r.diagnostics.empty()) return {};
    EXPECT_EQ(r.diagnostics[0].severity, Severity::kError);
    return r.diagnostics[0];
  }
};

TEST_F(BadInputTest, SyntaxErrorWithYamlCppPosition) {
  const Diagnostic d = OnlyError(Load("processes:\n  web:\n    command: [a, b\n  db: x\n"));
  EXPECT_EQ(d.file, path_);
  EXPECT_EQ(d.pos.line, 4);
  EXPECT_GT(d.pos.column, 0);
  EXPECT_EQ(d.message.rfind("YAML syntax error: ", 0), 0u) << d.message;
}

TEST_F(BadInputTest, BadIndentation) {
  const Diagnostic d = OnlyError(Load("processes:\n  web:\n    command: a\n   scale: 2\n"));
  EXPECT_EQ(d.pos.line, 4);
  EXPECT_EQ(d.message.rfind("YAML syntax error: ", 0), 0u) << d.message;
}

TEST_F(BadInputTest, EmptyFiles) {
  EXPECT_EQ(OnlyError(Load("")).message, "file is empty");
  EXPECT_EQ(OnlyError(Load("  \n\n\t\n")).message, "file is empty");
  EXPECT_EQ(OnlyError(Load("# only a comment\n")).message,
            "file is empty (it holds only comments)");
}

TEST_F(BadInputTest, Directory) {
  const LoadResult r = LoadConfigFile(dir_.path(), {});
  const Diagnostic d = OnlyError(r);
  EXPECT_EQ(d.message, dir_.path() + " is a directory, not a configuration file");
}

TEST_F(BadInputTest, FifoIsRefusedInsteadOfBlocking) {
  const std::string path = dir_.Join("fifo.yaml");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const Diagnostic d = OnlyError(LoadConfigFile(path, {}));
  EXPECT_EQ(d.message, path + " is not a regular file");
}

TEST_F(BadInputTest, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string path = dir_.Write("secret.yaml", "processes: {}\n");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  const Diagnostic d = OnlyError(LoadConfigFile(path, {}));
  EXPECT_EQ(d.message, "cannot open configuration file " + path + ": Permission denied");
}

TEST_F(BadInputTest, BinaryFile) {
  const std::string text = std::string("processes:\n  ab\0cd", 18);
  const Diagnostic d = OnlyError(Load(text));
  EXPECT_EQ(d.pos.line, 2);
  EXPECT_EQ(d.pos.column, 5);
  EXPECT_EQ(d.message, "file contains a NUL byte: this is a binary file, not YAML");
}

TEST_F(BadInputTest, InvalidUtf8PointsAtFirstBadByte) {
  const Diagnostic d = OnlyError(Load("processes:\n  wéb: \xff\xfe\n"));
  EXPECT_EQ(d.pos.line, 2);
  EXPECT_EQ(d.pos.column, 8);  // counted in characters: "  wéb: " is 7
  EXPECT_EQ(d.message, "invalid UTF-8 byte 0xFF");
  EXPECT_EQ(OnlyError(Load("a: \xc3")).message, "invalid UTF-8 byte 0xC3");          // truncated
  EXPECT_EQ(OnlyError(Load("a: \xed\xa0\x80")).message, "invalid UTF-8 byte 0xED");  // surrogate
}

TEST_F(BadInputTest, HugeFileIsRefusedBeforeParsing) {
  const std::string big(10 * 1024 * 1024, '#');
  const Diagnostic d = OnlyError(Load(big));
  EXPECT_EQ(d.message, "file is too large (10485760 bytes, limit 1048576)");
  // The same bound for text that does not come from a file (LoadConfigText, the fuzz target).
  const LoadResult r = LoadConfigText(big, "big.yaml", {});
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message, "file is too large (10485760 bytes, limit 1048576)");
}

TEST_F(BadInputTest, TopLevelNotAMap) {
  Diagnostic d = OnlyError(Load("- a\n- b\n"));
  EXPECT_EQ(d.message, "the top level must be a map of keys, got a list");
  EXPECT_EQ(d.pos.line, 1);
  EXPECT_EQ(OnlyError(Load("just text\n")).message,
            "the top level must be a map of keys, got a value");
}

TEST_F(BadInputTest, ProcessesMissingIsAnErrorEmptyIsAWarning) {
  Diagnostic d = OnlyError(Load("version: \"1.0\"\n"));
  EXPECT_EQ(d.key_path, "processes");
  EXPECT_EQ(d.message, "no 'processes:' map in the file");
  for (const char* empty : {"processes: {}\n", "processes:\n"}) {
    const LoadResult r = Load(empty);
    ASSERT_TRUE(r.config) << Dump(r.diagnostics);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].severity, Severity::kWarning);
    EXPECT_EQ(r.diagnostics[0].message, "no processes are defined: there is nothing to supervise");
  }
  d = OnlyError(Load("processes:\n  - web\n"));
  EXPECT_EQ(d.message, "expected a map of processes, got a list");
}

TEST_F(BadInputTest, DeepNesting) {
  const std::string deep = "processes: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  const Diagnostic d = OnlyError(Load(deep));
  EXPECT_NE(d.message.find("nested too deeply"), std::string::npos) << d.message;
}

TEST_F(BadInputTest, AliasBombIsBounded) {
  std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " + prev +
            ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev +
            ", " + prev + ", " + prev + "]\n";
  }
  yaml += "processes: {}\n";
  const Diagnostic d = OnlyError(Load(yaml));
  EXPECT_EQ(d.message,
            "the document is too large (more than 200000 values, with aliases expanded)");
}

TEST_F(BadInputTest, RepeatedMergesAreBounded) {
  // One anchored map of 2000 keys merged 2000 times into one map: 4 million key visits.
  std::string yaml = "d: &d {";
  for (int i = 0; i < 2000; ++i) yaml += (i ? ", k" : "k") + std::to_string(i) + ": 1";
  yaml += "}\nm:\n  <<: [";
  for (int i = 0; i < 2000; ++i) yaml += i ? ", *d" : "*d";
  yaml += "]\nprocesses: {}\n";
  const Diagnostic d = OnlyError(Load(yaml));
  EXPECT_EQ(d.message,
            "the document is too large (more than 200000 values, with aliases expanded)");
}

// yaml-cpp 0.7's LoadAll looped forever, allocating, on a token that starts no document: each
// call reported an empty document without consuming it. Each is a positioned syntax error now.
TEST_F(BadInputTest, TextAfterTheTopLevelValueIsASyntaxError) {
  const std::vector<std::pair<std::string, SourcePos>> cases = {
      {",\n", {1, 1}},     {"[1, 2], 3\n", {1, 7}}, {"&a ,\n", {1, 4}},         {"!t ,\n", {1, 4}},
      {"... ,\n", {1, 5}}, {"\"x\", y\n", {1, 4}},  {"\xEF\xBB\xBF,\n", {1, 1}}};
  for (const auto& [text, pos] : cases) {
    const Diagnostic d = OnlyError(Load(text));
    EXPECT_EQ(d.message, "YAML syntax error: unexpected ','") << text;
    EXPECT_EQ(d.pos.line, pos.line) << text;
    EXPECT_EQ(d.pos.column, pos.column) << text;
  }
}

TEST_F(BadInputTest, RecursiveAliasIsAnError) {
  for (const char* text : {"processes: &p [*p]\n", "processes: &p {web: *p}\n"}) {
    const Diagnostic d = OnlyError(Load(text));
    EXPECT_EQ(d.message, "an alias refers to the node that contains it (a recursive alias)");
    EXPECT_EQ(d.pos.line, 1);
  }
}

TEST_F(BadInputTest, MergeOfAnythingButMapsIsAnError) {
  const LoadResult r = Load("processes:\n  web:\n    <<: 5\n    command: x\n");
  const Diagnostic d = ExpectOneError(r, "");
  EXPECT_EQ(d.message, "'<<' merges a map or a list of maps, got a value");
  EXPECT_EQ(d.pos.line, 3);
  EXPECT_EQ(d.pos.column, 9);
}

// Aliases to nodes that are not part of the tree (an anchored key, an inline merge source) and a
// merge source reused later: the copies stay intact (ASan would see a dangling anchor).
TEST_F(BadInputTest, AliasesToKeysAndMergeSourcesStayValid) {
  const LoadResult r = Load(
      "&k web:\n"
      "  <<: &base {command: [sleep, \"1\"], scale: 2}\n"
      "other: *k\n"
      "processes:\n"
      "  a: *base\n"
      "  b: {<<: *base, scale: 3}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.config->processes.size(), 2u);
  EXPECT_EQ(r.config->processes[0].scale, 2);
  EXPECT_EQ(r.config->processes[0].command.argv, (std::vector<std::string>{"sleep", "1"}));
  EXPECT_EQ(r.config->processes[1].scale, 3);
}

TEST_F(BadInputTest, OnlyFirstDocumentIsRead) {
  const LoadResult r = Load("processes:\n  web: {command: /bin/true}\n---\nprocesses: {}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(r.diagnostics[0].pos.line, 3);  // the separator the hint says to remove
}

TEST_F(BadInputTest, MergeKeysAreExpanded) {
  const LoadResult r = Load(
      "x-worker: &worker\n"
      "  command: [/bin/sleep, \"60\"]\n"
      "  restart: on-failure\n"
      "processes:\n"
      "  w1:\n"
      "    <<: *worker\n"
      "    restart: never\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const ProcessSpec& p = r.config->processes[0];
  EXPECT_EQ(p.command.argv[0], "/bin/sleep");
  EXPECT_EQ(p.restart, RestartPolicy::kNever);
  // The anchor holder is an unknown top-level key: a warning, never an error.
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].key_path, "x-worker");
}

TEST_F(BadInputTest, NonScalarKey) {
  const LoadResult r =
      Load("processes:\n  ? [a, b]\n  : {command: x}\n  web: {command: /bin/true}\n");
  EXPECT_FALSE(r.config);
  ASSERT_GE(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message, "a map key must be a plain name, not a list or a map");
}

TEST_F(BadInputTest, GarbageNeverCrashes) {
  // A few shapes that have crashed YAML front ends: each must come back with diagnostics.
  for (const std::string text :
       {"{", "}", "[", "&a *a", "*unknown", "!!binary x", "%YAML 9.9\n---\na: 1", "a: !!int x",
        "? ? ?", "- - - -", "\"unterminated", "a: 'b", "a:\n\t- tab", "processes: *x",
        "processes: &p {web: *p}", "\xef\xbb\xbfprocesses: {}"}) {
    const LoadResult r = Load(text);
    EXPECT_FALSE(r.diagnostics.empty()) << text;
  }
}

TEST_F(BadInputTest, FiveProblemsFiveDiagnostics) {
  const LoadResult r = Load(
      "global:\n"
      "  api_port: high\n"
      "processes:\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    scale: -2\n"
      "    shutdown:\n"
      "      signal: SIGNOPE\n"
      "      timeout: forever\n"
      "  _bad:\n"
      "    command: /bin/true\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 5u) << Dump(r.diagnostics);
  const std::vector<std::pair<int, std::string>> expected = {{2, "global.api_port"},
                                                             {6, "processes.web.scale"},
                                                             {8, "processes.web.shutdown.signal"},
                                                             {9, "processes.web.shutdown.timeout"},
                                                             {10, "processes._bad"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.diagnostics[i].pos.line, expected[i].first) << i;
    EXPECT_EQ(r.diagnostics[i].key_path, expected[i].second) << i;
    EXPECT_EQ(r.diagnostics[i].severity, Severity::kError) << i;
  }
}

}  // namespace
}  // namespace phpeek::config
