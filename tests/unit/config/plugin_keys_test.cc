// `global:` keys declared by plugins (key_schema.h), checked and normalised by the loader from real
// YAML files: every type's normal form, defaults, ranges, environment overrides by declared type,
// "did you mean" across core and plugin keys, and a plugin's cross-key check positioned at the key
// (or list item) it names. The schemas here are built in the test, so that each rule is seen on
// its own; plugin_catalog_test and the integration tests load them from real plugins.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

KeySchema Key(const std::string& name, KeyType type,
              std::optional<std::string> def = std::nullopt) {
  KeySchema k;
  k.name = name;
  k.type = type;
  k.help = "help for " + name;
  k.default_text = std::move(def);
  return k;
}

KeySchema Ranged(KeySchema k, std::optional<int64_t> min, std::optional<int64_t> max) {
  k.min = min;
  k.max = max;
  return k;
}

// "spool" reads every type; its check wants at most 8 workers in fast mode and no tag "bad".
PluginSchema Spool() {
  PluginSchema p;
  p.plugin = "spool";
  KeySchema mode = Key("spool_mode", KeyType::kEnum, "safe");
  mode.allowed = {"fast", "safe"};
  KeySchema token = Key("spool_token", KeyType::kString);
  token.empty_is_unset = true;
  p.keys = {Key("spool_dir", KeyType::kPath, "/var/spool/app"),
            Ranged(Key("spool_poll", KeyType::kDuration, "2s"), 100, 3600000),
            Ranged(Key("spool_max_file", KeyType::kBytes, "1MiB"), 1024, std::nullopt),
            mode,
            Ranged(Key("spool_workers", KeyType::kInt, "4"), 1, 64),
            Key("spool_verbose", KeyType::kBool, "false"),
            Key("spool_host", KeyType::kAddress, "127.0.0.1"),
            Ranged(Key("spool_tags", KeyType::kList), std::nullopt, 3),
            Key("spool_extra", KeyType::kObject),
            token,
            Ranged(Key("spool_name", KeyType::kString), 1, 8)};
  p.validate = [](const std::string& config_json) {
    std::vector<KeyReport> out;
    if (config_json.find("\"spool_mode\":\"fast\"") != std::string::npos &&
        config_json.find("\"spool_workers\":4") == std::string::npos) {
      out.push_back(
          {Severity::kError, "spool_workers", -1, "fast mode takes 4 workers", "or mode safe"});
    }
    const size_t tags = config_json.find("\"spool_tags\":[\"ok\",\"bad\"");
    if (tags != std::string::npos) {
      out.push_back({Severity::kWarning, "spool_tags", 1, "tag 'bad' is deprecated", ""});
    }
    return out;
  };
  return p;
}

class PluginKeysTest : public ConfigTest {
 protected:
  LoadResult LoadWith(const std::string& global_body, const Environment& env = {}) {
    std::filesystem::create_directories(dir_.Join("app"));
    path_ = dir_.Write("app/pm.yaml",
                       "global:\n" + global_body + "processes:\n  web:\n    command: /bin/true\n");
    LoadOptions options;
    options.check_programs = false;
    options.plugins = [this](const GlobalSpec&, const std::string&,
                             const std::vector<std::string>&) { return schemas_; };
    return LoadConfigFile(path_, env, options);
  }

  PluginSchemas schemas_{{Spool()}, {}};
};

TEST_F(PluginKeysTest, UnsetKeysHoldTheirDefaultsInTheNormalForm) {
  const LoadResult r = LoadWith("  log_level: info\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  const Config& c = *r.config;
  EXPECT_EQ(GlobalValue(c, "spool_dir"), "\"/var/spool/app\"");
  EXPECT_EQ(GlobalValue(c, "spool_poll"), "2000");
  EXPECT_EQ(GlobalValue(c, "spool_max_file"), "1048576");
  EXPECT_EQ(GlobalValue(c, "spool_mode"), "\"safe\"");
  EXPECT_EQ(GlobalValue(c, "spool_workers"), "4");
  EXPECT_EQ(GlobalValue(c, "spool_verbose"), "false");
  EXPECT_EQ(GlobalValue(c, "spool_host"), "\"127.0.0.1\"");
  EXPECT_EQ(GlobalValue(c, "spool_tags"), "<absent>");  // no default
  EXPECT_EQ(GlobalValue(c, "spool_token"), "<absent>");
  // The core's own durations are milliseconds too.
  EXPECT_EQ(GlobalValue(c, "shutdown_timeout"), "30000");
}

TEST_F(PluginKeysTest, WrittenValuesAreNormalisedByType) {
  const LoadResult r = LoadWith(
      "  spool_dir: data/../queue\n"
      "  spool_poll: 1m30s\n"
      "  spool_max_file: 64KiB\n"
      "  spool_mode: fast\n"
      "  spool_verbose: yes\n"
      "  spool_host: \"[::1]\"\n"
      "  spool_tags: [ok, 2]\n"
      "  spool_extra: {depth: 3, name: x, on: true, list: [1, a]}\n"
      "  spool_token: \"${TOKEN:-}\"\n"
      "  spool_name: \"007\"\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const Config& c = *r.config;
  EXPECT_EQ(GlobalValue(c, "spool_dir"), "\"" + dir_.Join("app/queue") + "\"");
  EXPECT_EQ(GlobalValue(c, "spool_poll"), "90000");
  EXPECT_EQ(GlobalValue(c, "spool_max_file"), "65536");
  EXPECT_EQ(GlobalValue(c, "spool_mode"), "\"fast\"");
  EXPECT_EQ(GlobalValue(c, "spool_verbose"), "true");
  EXPECT_EQ(GlobalValue(c, "spool_host"), "\"::1\"");
  EXPECT_EQ(GlobalValue(c, "spool_tags"), "[\"ok\",\"2\"]");
  EXPECT_EQ(GlobalValue(c, "spool_extra"),
            "{\"depth\":3,\"name\":\"x\",\"on\":true,\"list\":[1,\"a\"]}");
  EXPECT_EQ(GlobalValue(c, "spool_token"), "<absent>");  // empty counts as unset
  EXPECT_EQ(GlobalValue(c, "spool_name"), "\"007\"");    // a string stays a string
  // fast mode with 4 workers (the default) passes the plugin's own check.
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
}

TEST_F(PluginKeysTest, EnvironmentOverridesAreParsedByTheDeclaredType) {
  const LoadResult r = LoadWith("  spool_poll: 5s\n", {{"PHPEEK_PM_GLOBAL_SPOOL_POLL", "500ms"},
                                                       {"PHPEEK_PM_GLOBAL_SPOOL_TAGS", "a, b,c"},
                                                       {"PHPEEK_PM_GLOBAL_SPOOL_VERBOSE", "on"},
                                                       {"PHPEEK_PM_GLOBAL_SPOOL_NAME", "42"},
                                                       {"PHPEEK_PM_GLOBAL_SPOOL_DIR", "rel"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const Config& c = *r.config;
  EXPECT_EQ(GlobalValue(c, "spool_poll"), "500");
  EXPECT_EQ(GlobalValue(c, "spool_tags"), "[\"a\",\"b\",\"c\"]");
  EXPECT_EQ(GlobalValue(c, "spool_verbose"), "true");
  EXPECT_EQ(GlobalValue(c, "spool_name"), "\"42\"");  // not guessed to be a number
  EXPECT_EQ(GlobalValue(c, "spool_dir"), "\"" + dir_.Join("app/rel") + "\"");
}

TEST_F(PluginKeysTest, BadValuesArePlacedAndWordedLikeTheCoresOwn) {
  const LoadResult r = LoadWith(
      "  spool_workers: 0\n"
      "  spool_poll: 10ms\n"
      "  spool_max_file: 1\n"
      "  spool_mode: saef\n"
      "  spool_tags: [a, b, c, d]\n"
      "  spool_host: 10.0.0.1:80\n"
      "  spool_name: \"\"\n"
      "  spool_verbose: maybe\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 8u) << Dump(r.diagnostics);
  const std::string at = path_ + ":";
  EXPECT_EQ(FormatText(r.diagnostics[0]),
            at + "2:18: error: global.spool_workers: must be between 1 and 64, got 0");
  EXPECT_EQ(FormatText(r.diagnostics[1]),
            at + "3:15: error: global.spool_poll: must be between 100ms and 1h, got 10ms");
  EXPECT_EQ(FormatText(r.diagnostics[2]),
            at + "4:19: error: global.spool_max_file: must be at least 1KiB, got 1");
  EXPECT_EQ(FormatText(r.diagnostics[3]),
            at + "5:15: error: global.spool_mode: 'saef' is not one of: fast, safe (hint: did you "
                 "mean 'safe'?)");
  EXPECT_EQ(r.diagnostics[4].message, "must have at most 3 items, has 4");
  EXPECT_EQ(r.diagnostics[5].message,
            "'10.0.0.1:80' has a port: give the host only (the port is a key apart)");
  EXPECT_EQ(r.diagnostics[6].message, "must not be empty");
  EXPECT_EQ(r.diagnostics[7].message, "expected true or false, got 'maybe'");
}

TEST_F(PluginKeysTest, AnObjectCannotComeFromTheEnvironment) {
  const LoadResult r = LoadWith("", {{"PHPEEK_PM_GLOBAL_SPOOL_EXTRA", "{a: 1}"}});
  const Diagnostic d = ExpectOneError(r, "global.spool_extra");
  EXPECT_EQ(d.message,
            "environment variable PHPEEK_PM_GLOBAL_SPOOL_EXTRA: an object cannot be set from the "
            "environment");
}

TEST_F(PluginKeysTest, TyposGetTheClosestKeyOfThePluginsOrTheCore) {
  const LoadResult r = LoadWith("  spool_pol: 3s\n  shutdown_timout: 3s\n",
                                {{"PHPEEK_PM_GLOBAL_SPOOL_WORKER", "3"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 3u) << Dump(r.diagnostics);
  EXPECT_EQ(FormatText(r.diagnostics[1]),
            path_ +
                ":2:3: warning: global.spool_pol: unknown key 'spool_pol' is ignored (no "
                "loaded plugin reads it) (hint: did you mean 'spool_poll'?)");
  EXPECT_EQ(r.diagnostics[2].hint, "did you mean 'shutdown_timeout'?");
  EXPECT_EQ(r.diagnostics[0].message,
            "environment variable PHPEEK_PM_GLOBAL_SPOOL_WORKER sets unknown key 'spool_worker', "
            "which is ignored (no loaded plugin reads it)");
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'spool_workers'?");
}

TEST_F(PluginKeysTest, ThePluginsCheckReportsAtTheKeyOrItemItNames) {
  const LoadResult r = LoadWith(
      "  spool_mode: fast\n"
      "  spool_workers: 9\n"
      "  spool_tags:\n"
      "    - ok\n"
      "    - bad\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(FormatText(r.diagnostics[0]), path_ +
                                              ":3:3: error: global.spool_workers: fast mode "
                                              "takes 4 workers (hint: or mode safe)");
  EXPECT_EQ(FormatText(r.diagnostics[1]),
            path_ + ":6:7: warning: global.spool_tags[1]: tag 'bad' is deprecated");
}

// A plugin's check sees only valid values: with one of its keys invalid, it does not run.
TEST_F(PluginKeysTest, ThePluginsCheckDoesNotRunOnInvalidKeys) {
  const LoadResult r = LoadWith("  spool_mode: fast\n  spool_workers: 100\n");
  const Diagnostic d = ExpectOneError(r, "global.spool_workers");
  EXPECT_EQ(d.message, "must be between 1 and 64, got 100");
}

TEST_F(PluginKeysTest, ConflictingDeclarationsAreErrors) {
  PluginSchema other;
  other.plugin = "other";
  other.keys = {Key("spool_poll", KeyType::kInt), Key("log_level", KeyType::kString)};
  schemas_.plugins.push_back(other);
  const LoadResult r = LoadWith("  spool_poll: 3s\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].key_path, "global.log_level");
  EXPECT_EQ(r.diagnostics[0].message,
            "plugin 'other' declares 'log_level', a key of the core; its declaration is ignored");
  EXPECT_EQ(r.diagnostics[1].key_path, "global.spool_poll");
  EXPECT_EQ(r.diagnostics[1].pos.line, 2);
  EXPECT_EQ(r.diagnostics[1].message,
            "plugins 'spool' and 'other' both declare 'spool_poll', with different rules "
            "(duration and int)");
}

// What the provider could not load is an error at what asked for it.
TEST_F(PluginKeysTest, PluginsThatCannotBeLoadedAreReportedAtTheirEntry) {
  schemas_.problems.push_back(
      {Severity::kError, "plugins", 1, "plugin 'audit': not found at /x/audit.so", "remove it"});
  const LoadResult r = LoadWith("  plugins:\n    - spool\n    - audit\n");
  const Diagnostic d = ExpectOneError(r, "global.plugins[1]");
  EXPECT_EQ(d.pos.line, 4);
  EXPECT_EQ(d.pos.column, 7);
  EXPECT_EQ(d.hint, "remove it");
}

// A plugin that is switched off (read for its schema only): its keys are known and checked, but
// nobody reads their defaults and its own check does not run.
TEST_F(PluginKeysTest, AnInactivePluginsKeysAreKnownButNotFilledIn) {
  schemas_.plugins[0].active = false;
  const LoadResult r = LoadWith("  spool_mode: fast\n  spool_workers: 9\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  EXPECT_EQ(GlobalValue(*r.config, "spool_workers"), "9");
  EXPECT_EQ(GlobalValue(*r.config, "spool_poll"), "<absent>");
}

// A key declared alike by a switched-off plugin (first) and a loaded one still gets its default.
TEST_F(PluginKeysTest, AKeySharedWithAnInactivePluginGetsItsDefault) {
  PluginSchema ghost;
  ghost.plugin = "ghost";
  ghost.active = false;
  ghost.keys = {Spool().keys[1]};  // spool_poll, same rules
  schemas_.plugins.insert(schemas_.plugins.begin(), ghost);
  const LoadResult r = LoadWith("");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(GlobalValue(*r.config, "spool_poll"), "2000");
}

TEST(KeySchemaCheck, RefusesUnusableDeclarations) {
  EXPECT_EQ(CheckKeySchema(Key("spool_dir", KeyType::kPath)), "");
  EXPECT_EQ(CheckKeySchema(Key("Spool-Dir", KeyType::kPath)),
            "name must be [a-z0-9_]+, at most 64 characters");
  KeySchema no_help = Key("a", KeyType::kInt);
  no_help.help = "";
  EXPECT_EQ(CheckKeySchema(no_help), "help must be one line of 1 to 1024 characters");
  EXPECT_EQ(CheckKeySchema(Ranged(Key("a", KeyType::kInt), 5, 1)), "min is above max");
  EXPECT_EQ(CheckKeySchema(Ranged(Key("a", KeyType::kBool), 0, 1)), "a bool key has no range");
  EXPECT_EQ(CheckKeySchema(Key("a", KeyType::kEnum)), "an enum needs 1 to 64 allowed values");
  EXPECT_EQ(CheckKeySchema(Ranged(Key("a", KeyType::kInt, "0"), 1, 9)),
            "default '0': must be between 1 and 9, got 0");
  EXPECT_EQ(CheckKeySchema(Key("a", KeyType::kDuration, "soon")),
            "default 'soon': invalid duration 'soon': not a duration");
  EXPECT_EQ(CheckKeySchema(Key("a", KeyType::kObject, "{}")),
            "an object key cannot have a default");
}

}  // namespace
}  // namespace phpeek::config
