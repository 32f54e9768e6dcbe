// `hooks:` (global and per process) and `shutdown.pre_stop_hook`: every key of a hook object, both
// spellings of the points, default names, and bad input reported with its place.
#include <gtest/gtest.h>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

using std::chrono::milliseconds;

class HooksConfigTest : public ConfigTest {};

TEST_F(HooksConfigTest, GlobalHooksWithEveryKey) {
  const LoadResult r = Load(
      "hooks:\n"
      "  pre-start:\n"
      "    - name: migrate\n"
      "      command: [\"php\", \"artisan\", \"migrate\"]\n"
      "      timeout: 5m\n"
      "      retry: 2\n"
      "      retry_delay: 500ms\n"
      "      continue_on_error: true\n"
      "      env: {APP_ENV: production, EMPTY: }\n"
      "      working_dir: /srv/app\n"
      "  post-start: [{command: \"echo up\"}]\n"
      "  pre-stop: []\n"
      "  post-stop:\n"
      "processes:\n"
      "  web: {command: /bin/true}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const LifecycleHooks& h = r.config->hooks;
  ASSERT_EQ(h.pre_start.size(), 1u);
  const Hook& migrate = h.pre_start[0];
  EXPECT_EQ(migrate.name, "migrate");
  EXPECT_EQ(migrate.command.argv.size(), 3u);
  EXPECT_EQ(migrate.timeout, milliseconds(300000));
  EXPECT_EQ(migrate.retry, 2);
  EXPECT_EQ(migrate.retry_delay, milliseconds(500));
  EXPECT_TRUE(migrate.continue_on_error);
  EXPECT_EQ(migrate.env, (std::vector<std::pair<std::string, std::string>>{
                             {"APP_ENV", "production"}, {"EMPTY", ""}}));
  EXPECT_EQ(migrate.working_dir, "/srv/app");
  EXPECT_EQ(migrate.pos.line, 3);
  EXPECT_EQ(migrate.key_path, "hooks.pre-start[0]");
  ASSERT_EQ(h.post_start.size(), 1u);
  const Hook& unnamed = h.post_start[0];
  EXPECT_TRUE(unnamed.command.via_shell);
  EXPECT_EQ(unnamed.name, "post_start[0]");
  EXPECT_EQ(unnamed.timeout, milliseconds(30000));
  EXPECT_EQ(unnamed.retry, 0);
  EXPECT_EQ(unnamed.retry_delay, milliseconds(0));
  EXPECT_FALSE(unnamed.continue_on_error);
  EXPECT_TRUE(unnamed.env.empty());
  EXPECT_EQ(unnamed.working_dir, "");
  EXPECT_TRUE(h.pre_stop.empty());
  EXPECT_TRUE(h.post_stop.empty());
}

TEST_F(HooksConfigTest, UnderscoredGlobalSpellingsAreTheSamePoints) {
  const LoadResult r = Load(
      "hooks:\n"
      "  pre_start: [{command: [a]}]\n"
      "  post_start: [{command: [b]}]\n"
      "  pre_stop: [{command: [c]}]\n"
      "  post_stop: [{command: [d]}]\n"
      "processes:\n  web: {command: /bin/true}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  const LifecycleHooks& h = r.config->hooks;
  ASSERT_EQ(h.pre_start.size(), 1u);
  ASSERT_EQ(h.post_start.size(), 1u);
  ASSERT_EQ(h.pre_stop.size(), 1u);
  ASSERT_EQ(h.post_stop.size(), 1u);
  EXPECT_EQ(h.post_stop[0].command.argv[0], "d");
}

TEST_F(HooksConfigTest, NoHooksAnywhere) {
  const LoadResult r = Load("processes:\n  web: {command: /bin/true}\n");
  ASSERT_TRUE(r.config);
  EXPECT_TRUE(r.config->hooks.empty());
  EXPECT_TRUE(r.config->processes[0].hooks.empty());
}

TEST_F(HooksConfigTest, ProcessHooksListsOrSingleObjects) {
  const ProcessSpec p = LoadProcess(
      "    command: /bin/true\n"
      "    hooks:\n"
      "      pre_start:\n"
      "        - {name: cache, command: [php, artisan, config:cache]}\n"
      "        - {command: [php, artisan, migrate]}\n"
      "      post_start: {name: warm, command: \"curl -s localhost\"}\n"
      "      pre-stop: [{command: [php, artisan, down]}]\n"
      "      post_stop: {command: [rm, -f, /tmp/web.sock]}\n");
  ASSERT_EQ(p.hooks.pre_start.size(), 2u);
  EXPECT_EQ(p.hooks.pre_start[0].name, "cache");
  EXPECT_EQ(p.hooks.pre_start[1].name, "pre_start[1]");
  EXPECT_EQ(p.hooks.pre_start[1].key_path, "processes.web.hooks.pre_start[1]");
  ASSERT_EQ(p.hooks.post_start.size(), 1u);
  EXPECT_EQ(p.hooks.post_start[0].name, "warm");
  EXPECT_EQ(p.hooks.post_start[0].key_path, "processes.web.hooks.post_start");
  ASSERT_EQ(p.hooks.pre_stop.size(), 1u);
  ASSERT_EQ(p.hooks.post_stop.size(), 1u);
  EXPECT_EQ(p.hooks.post_stop[0].name, "post_stop[0]");
  EXPECT_TRUE(p.deferred_keys.empty());
}

// The original's shutdown.pre_stop_hook is one more pre_stop hook, after those of hooks.pre_stop
// whichever key comes first in the file.
TEST_F(HooksConfigTest, PreStopHookJoinsThePreStopList) {
  const ProcessSpec p = LoadProcess(
      "    command: /bin/true\n"
      "    shutdown:\n"
      "      pre_stop_hook:\n"
      "        command: [\"php\", \"artisan\", \"horizon:terminate\"]\n"
      "        timeout: 60\n"
      "    hooks:\n"
      "      pre_stop: [{name: first, command: [\"true\"]}]\n");
  ASSERT_EQ(p.hooks.pre_stop.size(), 2u);
  EXPECT_EQ(p.hooks.pre_stop[0].name, "first");
  EXPECT_EQ(p.hooks.pre_stop[1].name, "pre_stop_hook");
  EXPECT_EQ(p.hooks.pre_stop[1].timeout, milliseconds(60000));
  EXPECT_EQ(p.hooks.pre_stop[1].key_path, "processes.web.shutdown.pre_stop_hook");
  EXPECT_TRUE(p.deferred_keys.empty());  // acted on: no "not acted on yet" warning
}

TEST_F(HooksConfigTest, BadHooksAreErrorsWithTheirPlace) {
  const LoadResult r = Load(
      "hooks:\n"
      "  pre-start:\n"
      "    - name: a\n"
      "      retry: -1\n"
      "      timeout: x\n"
      "    - just a string\n"
      "  pre_start: []\n"
      "  post-stop: 3\n"
      "  pre-stp: []\n"
      "processes:\n"
      "  web: {command: /bin/true}\n");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(CountSeverity(r.diagnostics, Severity::kError), 6u) << Dump(r.diagnostics);
  EXPECT_NE(FindDiag(r.diagnostics, "hooks.pre-start[0].retry"), nullptr);
  EXPECT_NE(FindDiag(r.diagnostics, "hooks.pre-start[0].timeout"), nullptr);
  const Diagnostic* no_command = FindDiag(r.diagnostics, "hooks.pre-start[0]");
  ASSERT_NE(no_command, nullptr);
  EXPECT_EQ(no_command->message, "hook has no 'command'");
  EXPECT_EQ(no_command->pos.line, 3);
  const Diagnostic* string_hook = FindDiag(r.diagnostics, "hooks.pre-start[1]");
  ASSERT_NE(string_hook, nullptr);
  EXPECT_EQ(string_hook->message, "expected a hook (a map with 'command'), got a value");
  const Diagnostic* twice = FindDiag(r.diagnostics, "hooks.pre_start");
  ASSERT_NE(twice, nullptr);
  EXPECT_EQ(twice->message, "'pre_start' repeats the hooks of line 3");
  EXPECT_EQ(twice->hint, "write either 'pre-start' or 'pre_start'");
  const Diagnostic* not_list = FindDiag(r.diagnostics, "hooks.post-stop");
  ASSERT_NE(not_list, nullptr);
  EXPECT_EQ(not_list->message, "expected a list of hooks, got a value");
  const Diagnostic* typo = FindDiag(r.diagnostics, "hooks.pre-stp");
  ASSERT_NE(typo, nullptr);
  EXPECT_EQ(typo->severity, Severity::kWarning);
  EXPECT_EQ(typo->hint, "did you mean 'pre-stop'?");
}

TEST_F(HooksConfigTest, EachBadHookValueIsOneErrorAtItsKey) {
  auto error = [&](const std::string& hook, const std::string& key) {
    const LoadResult r =
        Load("hooks:\n  pre-start:\n    - " + hook + "\nprocesses:\n  web: {command: /bin/true}\n");
    const Diagnostic d = ExpectOneError(r, "hooks.pre-start[0]" + key);
    EXPECT_EQ(d.file, path_);
    EXPECT_EQ(d.pos.line, 3) << hook;
    EXPECT_GT(d.pos.column, 0) << hook;
    return d.message;
  };
  EXPECT_EQ(error("{command: []}", ".command"), "command is empty");
  EXPECT_EQ(error("{command: \"  \"}", ".command"), "command is empty");
  EXPECT_EQ(error("{command: [\"\"]}", ".command[0]"), "the program name is empty");
  EXPECT_EQ(error("{name: x}", ""), "hook has no 'command'");
  EXPECT_EQ(error("{command: [a], timeout: -5}", ".timeout"),
            "invalid duration '-5': negative durations are not allowed");
  EXPECT_EQ(error("{command: [a], timeout: 0}", ".timeout"), "timeout must be greater than 0");
  EXPECT_EQ(error("{command: [a], retry: 101}", ".retry"), "must be between 0 and 100, got 101");
  EXPECT_EQ(error("{command: [a], retry_delay: -1s}", ".retry_delay"),
            "invalid duration '-1s': negative durations are not allowed");
  EXPECT_EQ(error("{command: [a], continue_on_error: maybe}", ".continue_on_error").substr(0, 21),
            "expected true or fals");
  EXPECT_EQ(error("{command: [a], env: [A=1]}", ".env"), "expected a map of keys, got a list");
  EXPECT_EQ(error("{command: [a], env: {\"A=B\": 1}}", ".env.A=B"),
            "'A=B' is not a valid environment variable name");
  EXPECT_EQ(error("{command: [a], working_dir: \"\"}", ".working_dir"), "must not be empty");
}

TEST_F(HooksConfigTest, BadProcessHookIsAnErrorAtItsPlace) {
  const LoadResult r = Load(
      "processes:\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    hooks:\n"
      "      pre_start:\n"
      "        - command: []\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.hooks.pre_start[0].command");
  EXPECT_EQ(d.message, "command is empty");
  EXPECT_EQ(d.pos.line, 6);
  EXPECT_EQ(d.pos.column, 20);
}

// check-config's program search covers every hook, with the hook's own PATH and working_dir.
TEST_F(HooksConfigTest, MissingHookProgramsAreWarnedWhereTheyAreWritten) {
  const LoadResult r = Load(
      "hooks:\n"
      "  pre-start: [{command: [no-such-program-1]}]\n"
      "processes:\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    hooks:\n"
      "      post_stop: [{command: [no-such-program-2]}]\n"
      "      pre_start: [{command: [true], env: {PATH: /nonexistent}}]\n"
      "    shutdown:\n"
      "      pre_stop_hook: {command: [sh, -c, \"exit 0\"]}\n",
      {{"PATH", "/usr/bin:/bin"}}, /*check_programs=*/true);
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_NE(FindDiag(r.diagnostics, "hooks.pre-start[0].command"), nullptr) << Dump(r.diagnostics);
  EXPECT_NE(FindDiag(r.diagnostics, "processes.web.hooks.post_stop[0].command"), nullptr);
  EXPECT_NE(FindDiag(r.diagnostics, "processes.web.hooks.pre_start[0].command"), nullptr);
  EXPECT_EQ(FindDiag(r.diagnostics, "processes.web.shutdown.pre_stop_hook.command"), nullptr);
  EXPECT_EQ(r.diagnostics.size(), 3u) << Dump(r.diagnostics);
}

}  // namespace
}  // namespace phpeek::config
