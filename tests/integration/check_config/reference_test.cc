// config/reference.md against the keys the real binary reads (`check-config --keys --json`): every
// key the loader or a first-party plugin reads is documented, every documented key exists, each
// row gives type, default, allowed values, example and the PHPeek PM version, and a plugin key's
// type and default are the ones its schema declares. A key added to the loader (or to a plugin's
// schema) without a line in the reference fails here, naming the key.
//
// The reference's format, as read here: a section starts at a `#` heading; its `At:` line names
// the blocks it documents, each in backticks (`hooks.pre-start[]`, or `(top level)`); each table
// row starting with "| `key`" documents one key of each of those blocks, in six columns.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

constexpr size_t kColumns = 6;                    // key, type, default, allowed, example, PHPeek PM
constexpr const char* kTopLevel = "(top level)";  // the path "" in the reference's At: lines

struct KeyInfo {
  std::string path;
  std::string plugin;  // empty: the core's
  std::string type;    // plugin keys
  std::string default_text;
  bool has_default = false;
};

// Block path -> its keys, from --keys --json; free-form maps (env, labels) have no keys to list.
using KeyTable = std::map<std::string, std::map<std::string, KeyInfo>>;

struct Row {
  int line = 0;
  std::vector<std::string> cells;  // trimmed; cells[0] is the key without backticks
};

struct Section {
  int line = 0;
  std::vector<std::string> at;
  std::vector<Row> rows;
};

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string Unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
  return s;
}

// Splits a table row on the '|' that are not escaped ("\|" stays in the cell).
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|' && line[i - 1] != '\\') {
      cells.push_back(Trim(cell));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return cells;
}

std::vector<std::string> BacktickedItems(const std::string& text) {
  std::vector<std::string> items;
  static const std::regex kItem("`([^`]+)`");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kItem);
       it != std::sregex_iterator(); ++it) {
    items.push_back((*it)[1]);
  }
  return items;
}

std::vector<Section> ParseReference(const std::string& text) {
  std::vector<Section> sections;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("#", 0) == 0) {
      sections.push_back({number, {}, {}});
    } else if (line.rfind("At:", 0) == 0 && !sections.empty()) {
      sections.back().at = BacktickedItems(line);
      for (auto& path : sections.back().at) {
        if (path == kTopLevel) path = "";
      }
    } else if (line.rfind("| `", 0) == 0 && !sections.empty()) {
      Row row{number, Cells(line)};
      if (!row.cells.empty()) row.cells[0] = Unquote(row.cells[0]);
      sections.back().rows.push_back(row);
    }
  }
  return sections;
}

KeyTable ParseKeyTable(const std::string& json) {
  KeyTable table;
  Poco::JSON::Parser parser;
  const auto root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  const auto maps = root->getArray("maps");
  for (size_t i = 0; i < maps->size(); ++i) {
    const auto map = maps->getObject(static_cast<unsigned>(i));
    if (map->getValue<bool>("free_form")) continue;
    auto& keys = table[map->getValue<std::string>("path")];
    const auto list = map->getArray("keys");
    for (size_t k = 0; k < list->size(); ++k) {
      const auto key = list->getObject(static_cast<unsigned>(k));
      KeyInfo info;
      info.path = key->getValue<std::string>("path");
      if (key->has("plugin")) {
        info.plugin = key->getValue<std::string>("plugin");
        info.type = key->getValue<std::string>("type");
      }
      if (key->has("default")) {
        info.has_default = true;
        info.default_text = key->getValue<std::string>("default");
      }
      keys[key->getValue<std::string>("key")] = info;
    }
  }
  return table;
}

std::string Where(int line) { return "config/reference.md:" + std::to_string(line) + ": "; }

void CheckRow(const Row& row, const KeyInfo* key, std::vector<std::string>* problems) {
  if (row.cells.size() != kColumns) {
    problems->push_back(Where(row.line) + "'" + row.cells[0] + "' has " +
                        std::to_string(row.cells.size()) + " columns, not " +
                        std::to_string(kColumns));
    return;
  }
  for (size_t c = 1; c < kColumns; ++c) {
    if (row.cells[c].empty()) {
      problems->push_back(Where(row.line) + "'" + row.cells[0] + "' has an empty column " +
                          std::to_string(c + 1));
    }
  }
  static const std::regex kVersion("^(v[0-9]+\\.[0-9]+\\.[0-9]+|phpeek-pm only).*");
  if (!std::regex_match(row.cells[5], kVersion)) {
    problems->push_back(Where(row.line) + "'" + row.cells[0] +
                        "': the last column must start with the PHPeek PM version (v1.2.0) or "
                        "'phpeek-pm only', got '" +
                        row.cells[5] + "'");
  }
  if (key == nullptr || key->plugin.empty()) return;
  if (Unquote(row.cells[1]) != key->type) {
    problems->push_back(Where(row.line) + key->path + ": type '" + row.cells[1] + "', but the " +
                        key->plugin + " plugin declares '" + key->type + "'");
  }
  if (key->has_default && row.cells[2].find("`" + key->default_text + "`") == std::string::npos) {
    problems->push_back(Where(row.line) + key->path + ": default '" + row.cells[2] + "', but the " +
                        key->plugin + " plugin declares `" + key->default_text + "`");
  }
}

// Every difference between the reference and the key table, one line each.
std::vector<std::string> Compare(const std::string& reference, const KeyTable& table) {
  std::vector<std::string> problems;
  std::map<std::string, std::set<std::string>> documented;
  for (const Section& s : ParseReference(reference)) {
    if (!s.rows.empty() && s.at.empty()) {
      problems.push_back(Where(s.line) + "a table of keys without an 'At:' line naming its blocks");
    }
    for (const std::string& block : s.at) {
      const auto map = table.find(block);
      if (map == table.end()) {
        problems.push_back(Where(s.line) + "documents block `" + block +
                           "`, which the loader does not read");
        continue;
      }
      for (const Row& row : s.rows) {
        const auto key = map->second.find(row.cells[0]);
        const bool exists = key != map->second.end();
        if (!exists) {
          problems.push_back(Where(row.line) + "documents `" + block + "." + row.cells[0] +
                             "`, which is not a key (check-config --keys)");
        }
        if (!documented[block].insert(row.cells[0]).second) {
          problems.push_back(Where(row.line) + "documents `" + block + "." + row.cells[0] +
                             "` twice");
        }
        CheckRow(row, exists ? &key->second : nullptr, &problems);
      }
    }
  }
  for (const auto& [block, keys] : table) {
    for (const auto& [name, info] : keys) {
      if (documented[block].count(name) == 0) {
        problems.push_back("config/reference.md: `" + info.path + "` (" +
                           (info.plugin.empty() ? "core" : info.plugin + " plugin") +
                           ") is not documented: add a row for `" + name + "` to a section 'At: `" +
                           (block.empty() ? kTopLevel : block) + "`'");
      }
    }
  }
  return problems;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class ReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const RunResult r = RunCommand({PHPEEK_BINARY, "check-config", "--keys", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    table_ = ParseKeyTable(r.out);
    reference_ = ReadFile(std::string(PHPEEK_SOURCE_DIR) + "/config/reference.md");
  }

  KeyTable table_;
  std::string reference_;
};

TEST_F(ReferenceTest, DocumentsEveryKeyAndNoOther) {
  const std::vector<std::string> problems = Compare(reference_, table_);
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

// The comparison itself: a key dropped from the reference and a key that does not exist are both
// reported, by name.
TEST_F(ReferenceTest, ReportsAMissingAndAnUnknownKey) {
  const std::string row_start = "| `failure_threshold` |";
  const size_t at = reference_.find(row_start);
  ASSERT_NE(at, std::string::npos);
  std::string edited = reference_;
  const size_t end = edited.find('\n', at);
  edited.replace(at, end - at,
                 "| `failure_treshold` | int | `3` | 1 to 1000 | `failure_treshold: 3` | v1.0.0 |");
  const std::string problems = Join(Compare(edited, table_));
  EXPECT_NE(problems.find("`processes.<name>.health_check.failure_threshold` (core) is not "
                          "documented"),
            std::string::npos)
      << problems;
  EXPECT_NE(problems.find("documents `processes.<name>.health_check.failure_treshold`, which is "
                          "not a key"),
            std::string::npos)
      << problems;
}

TEST_F(ReferenceTest, ReportsAPluginKeyWhoseDefaultDiffers) {
  const std::string row_start = "| `api_port` |";
  const size_t at = reference_.find(row_start);
  ASSERT_NE(at, std::string::npos);
  std::string edited = reference_;
  const size_t end = edited.find('\n', at);
  edited.replace(at, end - at,
                 "| `api_port` | int | `8080` | 0 to 65535 | `api_port: 80` | v1.0.0 |");
  const std::string problems = Join(Compare(edited, table_));
  EXPECT_NE(problems.find("global.api_port: default '`8080`', but the rest-api plugin declares "
                          "`9180`"),
            std::string::npos)
      << problems;
}

// What --keys finds by probing the loader: nested blocks, lists of blocks, aliases, the old keys
// kept for PHPeek PM files, and the plugins' typed keys.
TEST_F(ReferenceTest, KeysListTheLoadersBlocksAndThePluginSchemas) {
  ASSERT_TRUE(table_.count("processes.<name>.health_check"));
  EXPECT_TRUE(table_["processes.<name>.health_check"].count("retries"));
  EXPECT_TRUE(table_["processes.<name>.health_check"].count("interval"));
  ASSERT_TRUE(table_.count("hooks.pre-start[]"));
  EXPECT_TRUE(table_["hooks.pre-start[]"].count("continue_on_error"));
  EXPECT_TRUE(table_.count("processes.<name>.hooks.post_stop[]"));
  EXPECT_TRUE(table_.count("processes.<name>.shutdown.pre_stop_hook"));
  EXPECT_TRUE(table_["processes.<name>.logging.redaction.patterns[]"].count("replacement"));
  EXPECT_TRUE(table_["global"].count("restart_backoff"));  // PHPeek PM's, read as _initial
  EXPECT_TRUE(table_["processes.<name>"].count("schedule_timezone"));
  EXPECT_FALSE(table_.count("processes.<name>.env"));  // free-form: names the file chooses
  const KeyInfo& port = table_["global"]["api_port"];
  EXPECT_EQ(port.plugin, "rest-api");
  EXPECT_EQ(port.type, "int");
  EXPECT_EQ(port.default_text, "9180");
  EXPECT_EQ(table_["global"]["metrics_path"].plugin, "metrics");
}

TEST(CheckConfigKeysTest, TextListsOneKeyPerLine) {
  const RunResult r = RunCommand({PHPEEK_BINARY, "check-config", "--keys"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nprocesses.<name>.health_check.period\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nglobal.api_port  int, default 9180, min 0, max 65535  (rest-api plugin)  "
                       "TCP port of the Management API"),
            std::string::npos)
      << r.out;
}

// With -c, the file's plugin settings are used; a file that cannot be read is an error.
TEST(CheckConfigKeysTest, UnreadableFileIsAnError) {
  TempDir dir;
  const RunResult r =
      RunCommand({PHPEEK_BINARY, "check-config", "--keys", "-c", dir.path() + "/missing.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.yaml"), std::string::npos) << r.err;
}

TEST(CheckConfigKeysTest, FileWithMetricsOffStillListsMetricsKeys) {
  TempDir dir;
  const std::string path = dir.Write("c.yaml",
                                     "global: {metrics_enabled: false, api_enabled: false}\n"
                                     "processes: {}\n");
  const RunResult r = RunCommand({PHPEEK_BINARY, "check-config", "--keys", "-c", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("global.metrics_port  int"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("global.api_port  int"), std::string::npos) << r.out;
}

TEST(CheckConfigKeysTest, StrictDoesNotApply) {
  const RunResult r = RunCommand({PHPEEK_BINARY, "check-config", "--keys", "--strict"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--strict does not apply"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace phpeek::testing
