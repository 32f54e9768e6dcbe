// Every `processes.<name>:` key: default, good values, bad values with position and text.
#include <gtest/gtest.h>

#include <csignal>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

using std::chrono::milliseconds;

class ProcessKeysTest : public ConfigTest {
 protected:
  // Loads process "web" with `command: /bin/true` plus `body`; expects one error at
  // processes.web.<key> on line 4 and returns "message | hint".
  std::string Bad(const std::string& body, const std::string& key) {
    const LoadResult r = Load("processes:\n  web:\n    command: /bin/true\n" + body);
    const Diagnostic d = ExpectOneError(r, "processes.web." + key);
    EXPECT_EQ(d.pos.line, 4) << Dump(r.diagnostics);
    return d.message + (d.hint.empty() ? "" : " | " + d.hint);
  }
};

TEST_F(ProcessKeysTest, Defaults) {
  const ProcessSpec p = LoadProcess("    command: [\"/bin/sleep\", \"10\"]\n");
  EXPECT_EQ(p.name, "web");
  EXPECT_EQ(p.pos.line, 2);
  EXPECT_EQ(p.pos.column, 3);
  EXPECT_TRUE(p.enabled);
  EXPECT_EQ(p.command.argv, (std::vector<std::string>{"/bin/sleep", "10"}));
  EXPECT_FALSE(p.command.via_shell);
  EXPECT_EQ(p.type, ProcessType::kLongrun);
  EXPECT_EQ(p.initial_state, InitialState::kRunning);
  EXPECT_EQ(p.scale, 1);
  EXPECT_FALSE(p.max_scale.has_value());
  EXPECT_EQ(p.restart, RestartPolicy::kAlways);
  EXPECT_TRUE(p.depends_on.empty());
  EXPECT_EQ(p.working_dir, "");
  EXPECT_EQ(p.user, "");
  EXPECT_EQ(p.group, "");
  EXPECT_TRUE(p.env.empty());
  EXPECT_TRUE(p.forward_stdout);
  EXPECT_TRUE(p.forward_stderr);
  EXPECT_EQ(p.shutdown.signal, SIGTERM);
  EXPECT_EQ(p.shutdown.timeout, milliseconds(30000));
  EXPECT_TRUE(p.hooks.empty());
  EXPECT_FALSE(p.health_check.has_value());
  EXPECT_TRUE(p.listen.empty());
  EXPECT_EQ(p.schedule, "");
  EXPECT_FALSE(p.schedule_timeout.has_value());
  EXPECT_TRUE(p.deferred_keys.empty());
}

TEST_F(ProcessKeysTest, GoodValues) {
  const LoadResult r = Load(
      "processes:\n"
      "  db:\n"
      "    command: /bin/true\n"
      "  web:\n"
      "    enabled: false\n"
      "    command: \"exec sleep 10 && echo $$HOME\"\n"
      "    type: oneshot\n"
      "    initial_state: stopped\n"
      "    scale: 0\n"
      "    max_scale: 4\n"
      "    restart: never\n"
      "    depends_on: [db]\n"
      "    working_dir: /srv\n"
      "    user: www-data\n"
      "    group: 33\n"
      "    env: {A: 1, B: \"two\", C: true, D: }\n"
      "    stdout: false\n"
      "    stderr: off\n"
      "    shutdown: {signal: QUIT, timeout: 2m}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const ProcessSpec& p = r.config->processes[1];
  EXPECT_FALSE(p.enabled);
  EXPECT_EQ(p.command.argv,
            (std::vector<std::string>{"/bin/sh", "-c", "exec sleep 10 && echo $HOME"}));
  EXPECT_TRUE(p.command.via_shell);
  EXPECT_EQ(p.command.pos.line, 6);
  EXPECT_EQ(p.type, ProcessType::kOneshot);
  EXPECT_EQ(p.initial_state, InitialState::kStopped);
  EXPECT_EQ(p.scale, 0);
  EXPECT_EQ(p.max_scale.value_or(-1), 4);
  EXPECT_EQ(p.restart, RestartPolicy::kNever);
  EXPECT_EQ(p.depends_on, std::vector<std::string>{"db"});
  ASSERT_EQ(p.depends_on_pos.size(), 1u);
  EXPECT_EQ(p.depends_on_pos[0].line, 12);
  EXPECT_EQ(p.working_dir, "/srv");
  EXPECT_EQ(p.user, "www-data");
  EXPECT_EQ(p.group, "33");
  const std::vector<std::pair<std::string, std::string>> env = {
      {"A", "1"}, {"B", "two"}, {"C", "true"}, {"D", ""}};
  EXPECT_EQ(p.env, env);
  EXPECT_FALSE(p.forward_stdout);
  EXPECT_FALSE(p.forward_stderr);
  EXPECT_EQ(p.shutdown.signal, SIGQUIT);
  EXPECT_EQ(p.shutdown.timeout, milliseconds(120000));
  // The schedule keys (a job must have scale 1): tests/unit/schedule/config_keys_test.cc.
}

TEST_F(ProcessKeysTest, RestartDefaultsToGlobalPolicy) {
  const LoadResult r = Load(
      "global: {restart_policy: on-failure}\n"
      "processes:\n"
      "  a: {command: /bin/true}\n"
      "  b: {command: /bin/true, restart: always}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->processes[0].restart, RestartPolicy::kOnFailure);
  EXPECT_EQ(r.config->processes[1].restart, RestartPolicy::kAlways);
}

TEST_F(ProcessKeysTest, BadValues) {
  EXPECT_EQ(Bad("    enabled: maybe\n", "enabled"), "expected true or false, got 'maybe'");
  EXPECT_EQ(Bad("    type: daemon\n", "type"), "'daemon' is not one of: longrun, oneshot");
  EXPECT_EQ(Bad("    initial_state: paused\n", "initial_state"),
            "'paused' is not one of: running, stopped");
  EXPECT_EQ(Bad("    scale: \"abc\"\n", "scale"), "expected an integer, got 'abc'");
  EXPECT_EQ(Bad("    scale: 1.5\n", "scale"), "expected an integer, got '1.5'");
  EXPECT_EQ(Bad("    scale: -1\n", "scale"), "must be between 0 and 10000, got -1");
  EXPECT_EQ(Bad("    scale: 10001\n", "scale"), "must be between 0 and 10000, got 10001");
  EXPECT_EQ(Bad("    max_scale: x\n", "max_scale"), "expected an integer, got 'x'");
  EXPECT_EQ(Bad("    restart: sometimes\n", "restart"),
            "'sometimes' is not one of: always, on-failure, never");
  EXPECT_EQ(Bad("    depends_on: db\n", "depends_on"),
            "expected a list or a map, got a value | write [php-fpm, redis] or "
            "{php-fpm: {condition: process_healthy}}");
  EXPECT_EQ(Bad("    working_dir: [a]\n", "working_dir"), "expected a value, got a list");
  EXPECT_EQ(Bad("    user: \"\"\n", "user"),
            "must not be empty | remove the key to use the default");
  EXPECT_EQ(Bad("    group: {a: 1}\n", "group"), "expected a value, got a map");
  EXPECT_EQ(Bad("    env: [A=1]\n", "env"), "expected a map of keys, got a list");
  EXPECT_EQ(Bad("    stdout: 1\n", "stdout"), "expected true or false, got '1'");
  EXPECT_EQ(Bad("    stderr: nope\n", "stderr"), "expected true or false, got 'nope'");
  EXPECT_EQ(Bad("    shutdown: SIGTERM\n", "shutdown"), "expected a map of keys, got a value");
  EXPECT_EQ(Bad("    schedule: \"61 * * * *\"\n", "schedule"),
            "invalid cron expression '61 * * * *': minute: 61 is out of range 0-59 | 5 fields: "
            "minute hour day-of-month month day-of-week, e.g. \"*/15 * * * *\"");
  EXPECT_EQ(Bad("    schedule_timeout: 1d\n", "schedule_timeout"),
            "invalid duration '1d': unknown unit 'd' | use seconds (30) or a number with unit: "
            "500ms, 5s, 1m30s, 1h");
  EXPECT_EQ(Bad("    logging: true\n", "logging"), "expected a map of keys, got a value");
}

TEST_F(ProcessKeysTest, ListenAddresses) {
  const ProcessSpec p = LoadProcess(
      "    command: /bin/true\n"
      "    listen: [\"127.0.0.1:9000\", \"[::1]:9001\", \"0.0.0.0:9002\"]\n");
  ASSERT_EQ(p.listen.size(), 3u);
  EXPECT_EQ(p.listen[0].host, "127.0.0.1");
  EXPECT_EQ(p.listen[0].port, 9000);
  EXPECT_EQ(p.listen[0].Text(), "127.0.0.1:9000");
  EXPECT_EQ(p.listen[1].host, "::1");
  EXPECT_EQ(p.listen[1].Text(), "[::1]:9001");
  EXPECT_EQ(p.listen[2].pos.line, 4);
  EXPECT_EQ(p.listen[2].pos.column, 46);

  EXPECT_EQ(Bad("    listen: \"127.0.0.1:9000\"\n", "listen"),
            "expected a list, got a value | write [a, b] or one '- item' per line");
  EXPECT_EQ(Bad("    listen: [\"127.0.0.1\"]\n", "listen[0]"),
            "'127.0.0.1' is not host:port | write \"127.0.0.1:9000\" or \"[::1]:9000\"");
  EXPECT_EQ(Bad("    listen: [\"127.0.0.1:70000\"]\n", "listen[0]"),
            "'127.0.0.1:70000' is not host:port | write \"127.0.0.1:9000\" or \"[::1]:9000\"");
  EXPECT_EQ(Bad("    listen: [\"localhost:9000\"]\n", "listen[0]"),
            "'localhost:9000': the host must be a numeric IP address, not a name | write the "
            "address the program listens on, e.g. 127.0.0.1:9000 or 0.0.0.0:9000");
  EXPECT_EQ(Bad("    listen: [\"127.0.0.1:9000\", \"127.0.0.1:9000\"]\n", "listen[1]"),
            "'127.0.0.1:9000' is listed twice | list it once");
  EXPECT_EQ(Bad("    listen: [\"127.0.0.1:9000\"]\n    schedule: \"* * * * *\"\n", "listen"),
            "a scheduled job cannot hold listening sockets | remove listen, or schedule: its "
            "runs start and end on their own");
}

TEST_F(ProcessKeysTest, ReloadSignalAndForwardSignals) {
  ProcessSpec p = LoadProcess("    command: /bin/true\n");
  EXPECT_FALSE(p.reload_signal.has_value());
  EXPECT_TRUE(p.forward_signals.empty());  // the default forwards nothing
  p = LoadProcess(
      "    command: /bin/true\n"
      "    reload_signal: usr2\n"
      "    forward_signals: [SIGUSR1, winch, TTIN]\n");
  EXPECT_EQ(p.reload_signal, SIGUSR2);
  EXPECT_EQ(p.forward_signals, (std::vector<int>{SIGUSR1, SIGWINCH, SIGTTIN}));
  EXPECT_EQ(LoadProcess("    command: /bin/true\n    reload_signal: SIGHUP\n").reload_signal,
            SIGHUP);

  EXPECT_EQ(Bad("    reload_signal: SIGUSR3\n", "reload_signal"),
            "unknown signal 'SIGUSR3' | did you mean 'SIGUSR1'?");
  EXPECT_EQ(Bad("    reload_signal: SIGKILL\n", "reload_signal").substr(0, 62),
            "signal 'SIGKILL' is not accepted here | use one of SIGHUP, SIG");  // not catchable
  EXPECT_EQ(Bad("    forward_signals: [SIGTERM]\n", "forward_signals[0]"),
            "signal 'SIGTERM' is not accepted here | use one of SIGUSR1, SIGUSR2, SIGALRM, "
            "SIGTTIN, SIGTTOU, SIGPWR, SIGWINCH");  // the daemon's own stop signal
  EXPECT_EQ(Bad("    forward_signals: [USR1, SIGUSR1]\n", "forward_signals[1]"),
            "listed twice | list each signal once");
  EXPECT_EQ(Bad("    forward_signals: SIGUSR1\n", "forward_signals"),
            "must be a list of signal names | e.g. [SIGUSR1, SIGWINCH]");
}

TEST_F(ProcessKeysTest, ConfigTest) {
  EXPECT_FALSE(LoadProcess("    command: /bin/true\n").config_test.has_value());
  ProcessSpec p = LoadProcess("    command: /bin/true\n    config_test: [\"/bin/true\", \"-t\"]\n");
  ASSERT_TRUE(p.config_test.has_value());
  EXPECT_EQ(p.config_test->name, "config_test");
  EXPECT_EQ(p.config_test->command.argv, (std::vector<std::string>{"/bin/true", "-t"}));
  EXPECT_EQ(p.config_test->key_path, "processes.web.config_test");
  EXPECT_EQ(p.config_test->pos.line, 4);
  p = LoadProcess("    command: /bin/true\n    config_test: \"/bin/true -t\"\n");
  ASSERT_TRUE(p.config_test.has_value());
  EXPECT_TRUE(p.config_test->command.via_shell);
  EXPECT_EQ(Bad("    config_test: []\n", "config_test"),
            "command is empty | the first element is the program to run");
}

TEST_F(ProcessKeysTest, PhpFpmStatus) {
  EXPECT_FALSE(LoadProcess("    command: /bin/true\n").php_fpm_status.has_value());
  ProcessSpec p = LoadProcess(
      "    command: /bin/true\n"
      "    php_fpm_status: {address: \"127.0.0.1:9000\"}\n");
  ASSERT_TRUE(p.php_fpm_status.has_value());
  EXPECT_EQ(p.php_fpm_status->address, "127.0.0.1:9000");
  EXPECT_EQ(p.php_fpm_status->path, "/status");  // the default
  EXPECT_EQ(p.php_fpm_status->pos.line, 4);
  p = LoadProcess(
      "    command: /bin/true\n"
      "    php_fpm_status:\n"
      "      address: unix:/run/php/fpm-{instance_index}.sock\n"
      "      path: /fpm-status\n");
  ASSERT_TRUE(p.php_fpm_status.has_value());
  EXPECT_EQ(p.php_fpm_status->address, "unix:/run/php/fpm-{instance_index}.sock");
  EXPECT_EQ(p.php_fpm_status->path, "/fpm-status");
  EXPECT_EQ(LoadProcess("    command: /bin/true\n"
                        "    php_fpm_status: {address: \"[::1]:90{instance_index}\"}\n")
                .php_fpm_status->address,
            "[::1]:90{instance_index}");

  const std::string hint =
      " | address: 127.0.0.1:9000 (php-fpm's listen) or address: unix:/run/php/php-fpm.sock";
  EXPECT_EQ(Bad("    php_fpm_status: {address: \"php-fpm:9000x\"}\n", "php_fpm_status.address"),
            "'php-fpm:9000x' is not host:port or unix:/path" + hint);
  EXPECT_EQ(Bad("    php_fpm_status: {address: \"127.0.0.1\"}\n", "php_fpm_status.address"),
            "'127.0.0.1' is not host:port or unix:/path" + hint);
  EXPECT_EQ(Bad("    php_fpm_status: {address: \"localhost:9000\"}\n", "php_fpm_status.address"),
            "'localhost:9000': the host must be a numeric IP address, not a name" + hint);
  EXPECT_EQ(Bad("    php_fpm_status: {address: \"unix:run/fpm.sock\"}\n", "php_fpm_status.address"),
            "'unix:run/fpm.sock': a unix socket needs an absolute path "
            "(unix:/run/php/php-fpm.sock)" +
                hint);
  EXPECT_EQ(
      Bad("    php_fpm_status: {address: \"unix:/" + std::string(120, 'x') + "\"}\n",
          "php_fpm_status.address"),
      "'unix:/" + std::string(120, 'x') + "': the socket path is longer than 107 bytes" + hint);
  EXPECT_EQ(Bad("    php_fpm_status: {address: \"/run/php/fpm.sock\"}\n", "php_fpm_status.address"),
            "'/run/php/fpm.sock' is not host:port or unix:/path" + hint);
  EXPECT_EQ(Bad("    php_fpm_status: {path: /status}\n", "php_fpm_status"),
            "php_fpm_status needs 'address'" + hint);
  EXPECT_EQ(Bad("    php_fpm_status: \"127.0.0.1:9000\"\n", "php_fpm_status"),
            "expected a map, got a value | php_fpm_status: {address: 127.0.0.1:9000, path: "
            "/status}");
  EXPECT_EQ(Bad("    php_fpm_status: {address: \"127.0.0.1:9000\", path: status}\n",
                "php_fpm_status.path"),
            "'status' must start with '/' | path: /status (pm.status_path)");
  EXPECT_EQ(Bad("    php_fpm_status: {address: \"127.0.0.1:9000\", path: \"/status?full\"}\n",
                "php_fpm_status.path"),
            "'/status?full' has a space, control character, '?' or '#' | path: /status "
            "(pm.status_path)");
  EXPECT_EQ(Bad("    php_fpm_status: {address: \"127.0.0.1:9000\"}\n    schedule: \"* * * * *\"\n",
                "php_fpm_status"),
            "a scheduled job has no php-fpm pool to ask for its status | put php_fpm_status on "
            "the process that runs php-fpm");

  // The position is the value's, column included.
  const LoadResult r = Load(
      "processes:\n  web:\n    command: /bin/true\n    php_fpm_status:\n"
      "      address: \"127.0.0.1:99999\"\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.php_fpm_status.address");
  EXPECT_EQ(d.pos.line, 5);
  EXPECT_EQ(d.pos.column, 16);
  // An unknown key inside is a warning with the closest known one.
  const LoadResult typo = Load(
      "processes:\n  web:\n    command: /bin/true\n"
      "    php_fpm_status: {address: \"127.0.0.1:9000\", pth: /status}\n");
  ASSERT_TRUE(typo.config.has_value()) << Dump(typo.diagnostics);
  const Diagnostic* w = FindDiag(typo.diagnostics, "processes.web.php_fpm_status.pth");
  ASSERT_NE(w, nullptr) << Dump(typo.diagnostics);
  EXPECT_EQ(w->severity, Severity::kWarning);
  EXPECT_NE(w->hint.find("path"), std::string::npos) << w->hint;
}

TEST_F(ProcessKeysTest, ShutdownFields) {
  const LoadResult r =
      Load("processes:\n  web:\n    command: /bin/true\n    shutdown:\n      signal: SIGTREM\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.shutdown.signal");
  EXPECT_EQ(d.pos.line, 5);
  EXPECT_EQ(d.pos.column, 15);
  EXPECT_EQ(d.hint, "did you mean 'SIGTERM'?");
  const LoadResult t =
      Load("processes:\n  web:\n    command: /bin/true\n    shutdown:\n      timeout: -1s\n");
  ExpectOneError(t, "processes.web.shutdown.timeout");
}

TEST_F(ProcessKeysTest, CommandForms) {
  auto bad_command = [&](const std::string& value) {
    const LoadResult r = Load("processes:\n  web:\n    command: " + value + "\n");
    const Diagnostic d = ExpectOneError(r, "processes.web.command");
    return d.message;
  };
  EXPECT_EQ(bad_command("[]"), "command is empty");
  EXPECT_EQ(bad_command("\"  \""), "command is empty");
  EXPECT_EQ(bad_command("{a: b}"), "expected a list of strings or a string, got a map");
  const LoadResult empty = Load("processes:\n  web:\n    command: [\"\", x]\n");
  EXPECT_EQ(ExpectOneError(empty, "processes.web.command[0]").message, "the program name is empty");
  const LoadResult nested = Load("processes:\n  web:\n    command: [[a], b]\n");
  const Diagnostic d = ExpectOneError(nested, "processes.web.command[0]");
  EXPECT_EQ(d.message, "expected a value, got a list");
}

TEST_F(ProcessKeysTest, MissingCommandIsAnError) {
  const LoadResult r = Load("processes:\n  web:\n    scale: 2\n");
  const Diagnostic d = ExpectOneError(r, "processes.web");
  EXPECT_EQ(d.message, "process 'web' has no 'command'");
  EXPECT_EQ(d.pos.line, 2);
}

TEST_F(ProcessKeysTest, ScaleAgainstMaxScale) {
  const LoadResult r = Load(
      "processes:\n  web:\n    command: /bin/true\n    scale: 5\n"
      "    max_scale: 3\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.scale");
  EXPECT_EQ(d.message, "scale 5 is above max_scale 3");
  EXPECT_EQ(d.hint, "raise max_scale or lower scale");
  const LoadResult w = Load("processes:\n  web:\n    command: /bin/true\n    max_scale: 500\n");
  ASSERT_TRUE(w.config) << Dump(w.diagnostics);
  const Diagnostic* warn = FindDiag(w.diagnostics, "processes.web.max_scale");
  ASSERT_NE(warn, nullptr);
  EXPECT_EQ(warn->severity, Severity::kWarning);
}

// global.max_process_scale bounds scaling through the API, not the file (configuration.md): the
// original loads `scale: 500`, and so do we, up to the sanity limit of 10000.
TEST_F(ProcessKeysTest, FileScaleIsNotBoundByMaxProcessScale) {
  for (const char* scale : {"500", "10000"}) {
    const ProcessSpec p =
        LoadProcess("    command: /bin/true\n    scale: " + std::string(scale) + "\n");
    EXPECT_EQ(p.scale, std::stoi(scale));
  }
  const LoadResult r = Load(
      "global:\n  max_process_scale: 8\n"
      "processes:\n  web:\n    command: /bin/true\n    scale: 20\n    max_scale: 30\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->processes[0].scale, 20);
  // max_scale above the API bound stays a warning: the API can never scale that far.
  const Diagnostic* warn = FindDiag(r.diagnostics, "processes.web.max_scale");
  ASSERT_NE(warn, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(warn->severity, Severity::kWarning);
}

// [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters, case-sensitive (configuration.md): files of
// the original PHPeek PM, which accepts any name, have capitals.
TEST_F(ProcessKeysTest, NamePattern) {
  for (const std::string& name : std::vector<std::string>{
           "web", "0web", "a.b-c_d", "stubA", "Web", "QUEUE_Worker-2.x", std::string(64, 'Z')}) {
    const LoadResult r = Load("processes:\n  " + name + ":\n    command: /bin/true\n");
    ASSERT_TRUE(r.config) << name << "\n" << Dump(r.diagnostics);
    EXPECT_EQ(r.config->processes[0].name, name);
  }
  for (const std::string& name : std::vector<std::string>{"-web", "_web", ".Web", "we b", "wéb",
                                                          "a/b", "a%2F", std::string(65, 'a')}) {
    const LoadResult r = Load("processes:\n  \"" + name + "\":\n    command: /bin/true\n");
    const Diagnostic d = ExpectOneError(r, "processes." + name);
    EXPECT_EQ(d.pos.line, 2) << name;
    EXPECT_EQ(d.pos.column, 3) << name;
    EXPECT_EQ(d.message, "invalid process name '" + name + "'");
    EXPECT_EQ(d.hint,
              "names match [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters: letters, digits, "
              "'_', '.', '-', starting with a letter or digit");
  }
}

TEST_F(ProcessKeysTest, NamesAreCaseSensitive) {
  const LoadResult r = Load(
      "processes:\n"
      "  web: {command: /bin/true}\n"
      "  Web: {command: /bin/true, depends_on: [web]}\n"
      "  app: {command: /bin/true, depends_on: [WEB]}\n");
  ASSERT_EQ(CountSeverity(r.diagnostics, Severity::kError), 1u) << Dump(r.diagnostics);
  const Diagnostic* d = FindDiag(r.diagnostics, "processes.app.depends_on[0]");
  ASSERT_NE(d, nullptr) << Dump(r.diagnostics);
  EXPECT_EQ(d->message, "'app' depends on 'WEB', which is not defined");
}

TEST_F(ProcessKeysTest, DuplicateProcessNames) {
  const LoadResult r = Load(
      "processes:\n"
      "  web:\n"
      "    command: /bin/true\n"
      "  web:\n"
      "    command: /bin/false\n");
  const Diagnostic d = ExpectOneError(r, "processes.web");
  EXPECT_EQ(d.pos.line, 4);
  EXPECT_EQ(d.pos.column, 3);
  EXPECT_EQ(d.message, "duplicate process name 'web' (first defined at line 2)");
}

TEST_F(ProcessKeysTest, DuplicateKeysInsideAProcess) {
  const LoadResult r = Load(
      "processes:\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    scale: 1\n"
      "    scale: 2\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.scale");
  EXPECT_EQ(d.pos.line, 5);
  EXPECT_EQ(d.message, "duplicate key 'scale' (first defined at line 4)");
}

TEST_F(ProcessKeysTest, UnknownKeyWarnsWithSuggestion) {
  const LoadResult r = Load("processes:\n  web:\n    command: /bin/true\n    restrat: never\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(FormatText(r.diagnostics[0]),
            path_ +
                ":4:5: warning: processes.web.restrat: unknown key 'restrat' is ignored "
                "(hint: did you mean 'restart'?)");
}

TEST_F(ProcessKeysTest, LoggingBlockIsReadAndActedOn) {
  const ProcessSpec p = LoadProcess(
      "    command: /bin/true\n"
      "    logging: {stdout: false, stderr: true}\n");
  EXPECT_FALSE(p.forward_stdout);
  EXPECT_TRUE(p.forward_stderr);
  EXPECT_TRUE(p.deferred_keys.empty());
}

TEST_F(ProcessKeysTest, ProcessMustBeAMap) {
  const LoadResult r = Load("processes:\n  web: /bin/true\n");
  const Diagnostic d = ExpectOneError(r, "processes.web");
  EXPECT_EQ(d.message, "expected a process definition (a map), got a value");
  EXPECT_EQ(d.pos.line, 2);
  EXPECT_EQ(d.pos.column, 8);
}

TEST_F(ProcessKeysTest, FindProcess) {
  const LoadResult r = Load("processes:\n  a: {command: /bin/true}\n  b: {command: /bin/true}\n");
  ASSERT_TRUE(r.config);
  ASSERT_NE(r.config->FindProcess("b"), nullptr);
  EXPECT_EQ(r.config->FindProcess("b")->name, "b");
  EXPECT_EQ(r.config->FindProcess("c"), nullptr);
  EXPECT_STREQ(ToString(RestartPolicy::kOnFailure), "on-failure");
  EXPECT_STREQ(ToString(ProcessType::kOneshot), "oneshot");
  EXPECT_STREQ(ToString(LogLevel::kWarn), "warn");
  EXPECT_STREQ(ToString(LogFormat::kText), "text");
}

}  // namespace
}  // namespace phpeek::config
