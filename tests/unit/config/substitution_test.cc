#include "core/config/substitution.h"

#include <gtest/gtest.h>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

const std::map<std::string, std::string> kEnv = {{"HOST", "db"}, {"EMPTY", ""}, {"N", "3"}};

std::string Expand(const std::string& text) {
  std::string out, err;
  EXPECT_TRUE(Substitute(text, kEnv, &out, &err)) << text << ": " << err;
  return out;
}

std::string ExpandError(const std::string& text) {
  std::string out, err;
  EXPECT_FALSE(Substitute(text, kEnv, &out, &err)) << text;
  return err;
}

TEST(SubstitutionTest, Expands) {
  EXPECT_EQ(Expand("${HOST}"), "db");
  EXPECT_EQ(Expand("tcp://${HOST}:${PORT:-5432}/x"), "tcp://db:5432/x");
  EXPECT_EQ(Expand("${HOST:-other}"), "db");
  EXPECT_EQ(Expand("${EMPTY:-fallback}"), "fallback");
  EXPECT_EQ(Expand("${UNSET:-}"), "");
  EXPECT_EQ(Expand("${EMPTY}"), "");
  EXPECT_EQ(Expand("no vars"), "no vars");
}

TEST(SubstitutionTest, DollarRules) {
  EXPECT_EQ(Expand("$$"), "$");
  EXPECT_EQ(Expand("$${HOST}"), "${HOST}");
  EXPECT_EQ(Expand("cost: 5$"), "cost: 5$");
  EXPECT_EQ(Expand("echo $HOME"), "echo $HOME");
}

TEST(SubstitutionTest, Errors) {
  EXPECT_EQ(ExpandError("${MISSING}"), "environment variable MISSING is not set");
  EXPECT_EQ(ExpandError("x ${HOST"), "unterminated '${' (missing '}')");
  EXPECT_EQ(ExpandError("${1BAD}"), "'${1BAD}' is not a valid variable reference");
  EXPECT_EQ(ExpandError("${}"), "'${}' is not a valid variable reference");
  // Every unset variable of a value at once, each named once.
  EXPECT_EQ(ExpandError("${A}:${B}/${A}"), "environment variables A and B are not set");
  EXPECT_EQ(ExpandError("${A}${B}${C}"), "environment variables A, B and C are not set");
}

class SubstitutionFileTest : public ConfigTest {};

TEST_F(SubstitutionFileTest, AppliesToValuesEverywhere) {
  const LoadResult r = Load(
      "global:\n"
      "  api_port: ${PORT}\n"
      "processes:\n"
      "  web:\n"
      "    command: [\"${BIN:-/bin/sleep}\", \"${SECS}\"]\n"
      "    scale: ${N}\n"
      "    env:\n"
      "      DB: \"${HOST}:5432\"\n"
      "      LITERAL: \"$$HOME\"\n",
      {{"PORT", "9999"}, {"SECS", "60"}, {"N", "2"}, {"HOST", "db"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(GlobalValue(*r.config, "api_port"), "9999");
  const ProcessSpec& p = r.config->processes[0];
  EXPECT_EQ(p.command.argv, (std::vector<std::string>{"/bin/sleep", "60"}));
  EXPECT_EQ(p.scale, 2);
  ASSERT_EQ(p.env.size(), 2u);
  EXPECT_EQ(p.env[0].second, "db:5432");
  EXPECT_EQ(p.env[1].second, "$HOME");
}

TEST_F(SubstitutionFileTest, UnsetVariableNamesVariableAndLine) {
  const LoadResult r = Load(
      "processes:\n"
      "  web:\n"
      "    command: [\"/bin/sleep\", \"1\"]\n"
      "    working_dir: ${APP_DIR}\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.working_dir");
  EXPECT_EQ(d.pos.line, 4);
  EXPECT_EQ(d.pos.column, 18);
  EXPECT_EQ(d.message, "environment variable APP_DIR is not set");
  EXPECT_EQ(FormatText(d), path_ +
                               ":4:18: error: processes.web.working_dir: environment variable "
                               "APP_DIR is not set (hint: set it, give a default with "
                               "${NAME:-default}, or write $$ for $)");
}

TEST_F(SubstitutionFileTest, SubstitutedValueIsTypeChecked) {
  const LoadResult r = Load(
      "processes:\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    scale: ${N}\n",
      {{"N", "many"}});
  const Diagnostic d = ExpectOneError(r, "processes.web.scale");
  EXPECT_EQ(d.message, "expected an integer, got 'many'");
}

TEST_F(SubstitutionFileTest, UnknownKeysAreNotExpanded) {
  // A key we ignore must not fail the load because of a variable it mentions.
  const LoadResult r = Load(
      "processes:\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    heartbeat: {success_url: \"${UNSET_URL}\"}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
}

}  // namespace
}  // namespace phpeek::config
