#include "core/cli/command_line.h"

#include <gtest/gtest.h>

namespace phpeek::cli {
namespace {

ParseResult Parse(std::vector<std::string> args) { return ParseCommandLine(args); }

TEST(CommandLineTest, ServeIsTheDefault) {
  const ParseResult r = Parse({"-c", "x.yaml"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.subcommand, Subcommand::kServe);
  EXPECT_EQ(r.command_line.config_path, "x.yaml");
  EXPECT_FALSE(r.command_line.dry_run);
}

TEST(CommandLineTest, ServeWithDryRunAndLongConfig) {
  const ParseResult r = Parse({"serve", "--config=a.yaml", "--dry-run"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.config_path, "a.yaml");
  EXPECT_TRUE(r.command_line.dry_run);
}

TEST(CommandLineTest, CheckConfigFlags) {
  const ParseResult r = Parse({"check-config", "--strict", "--json", "-c", "f"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.subcommand, Subcommand::kCheckConfig);
  EXPECT_TRUE(r.command_line.strict);
  EXPECT_TRUE(r.command_line.json);
}

TEST(CommandLineTest, CheckConfigKeys) {
  const ParseResult r = Parse({"check-config", "--keys", "--json", "-c", "f"});
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.command_line.keys);
  EXPECT_TRUE(r.command_line.json);
  EXPECT_FALSE(Parse({"check-config"}).command_line.keys);
  EXPECT_EQ(Parse({"check-config", "--keys", "--strict"}).error,
            "--keys lists keys, it checks no file: --strict does not apply");
  EXPECT_EQ(Parse({"serve", "--keys"}).error, "unknown option '--keys' for serve");
  EXPECT_EQ(Parse({"check-config", "--keys=1"}).error, "option '--keys' takes no value");
}

TEST(CommandLineTest, VersionFormsAgree) {
  EXPECT_EQ(Parse({"version"}).command_line.subcommand, Subcommand::kVersion);
  EXPECT_EQ(Parse({"--version"}).command_line.subcommand, Subcommand::kVersion);
}

TEST(CommandLineTest, HelpOnEverySubcommand) {
  for (const char* s :
       {"serve", "check-config", "version", "status", "start", "stop", "restart", "scale", "jobs",
        "trigger", "reload", "logs", "events", "fpm-tune", "tui"}) {
    const ParseResult r = Parse({s, "--help"});
    EXPECT_EQ(r.error, "") << s;
    EXPECT_TRUE(r.command_line.help) << s;
    EXPECT_NE(UsageText(r.command_line.subcommand).find("Usage: phpeek-pm"), std::string::npos);
  }
}

TEST(CommandLineTest, ClientOperands) {
  const ParseResult r = Parse({"scale", "worker", "5", "--wait", "--timeout", "30"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.subcommand, Subcommand::kScale);
  EXPECT_EQ(r.command_line.operands, (std::vector<std::string>{"worker", "5"}));
  EXPECT_TRUE(r.command_line.wait);
  EXPECT_EQ(r.command_line.wait_timeout_seconds, 30);
}

TEST(CommandLineTest, JobsAndTrigger) {
  ParseResult r = Parse({"jobs", "--json", "--url", "http://127.0.0.1:1"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.subcommand, Subcommand::kJobs);
  EXPECT_TRUE(r.command_line.json);
  EXPECT_EQ(Parse({"jobs", "--wait"}).error, "unknown option '--wait' for jobs");
  EXPECT_EQ(Parse({"jobs", "backup"}).error, "jobs takes no arguments, got 'backup'");
  r = Parse({"trigger", "backup", "--wait", "--timeout=90"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.subcommand, Subcommand::kTrigger);
  EXPECT_EQ(r.command_line.operands, (std::vector<std::string>{"backup"}));
  EXPECT_TRUE(r.command_line.wait);
  EXPECT_EQ(r.command_line.wait_timeout_seconds, 90);
  EXPECT_EQ(Parse({"trigger"}).error, "trigger takes a process name");
  EXPECT_EQ(Parse({"trigger", "a", "--json"}).error, "unknown option '--json' for trigger");
  EXPECT_NE(UsageText(Subcommand::kTrigger).find("trigger NAME [--wait]"), std::string::npos);
}

TEST(CommandLineTest, LogsAndEvents) {
  ParseResult r = Parse({"logs"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.subcommand, Subcommand::kLogs);
  EXPECT_TRUE(r.command_line.operands.empty());
  EXPECT_FALSE(r.command_line.follow);
  EXPECT_EQ(r.command_line.lines, -1);
  r = Parse({"logs", "web", "-f", "-n", "20", "--instance", "web-1", "--json"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.operands, (std::vector<std::string>{"web"}));
  EXPECT_TRUE(r.command_line.follow);
  EXPECT_EQ(r.command_line.lines, 20);
  EXPECT_EQ(r.command_line.instance, "web-1");
  EXPECT_TRUE(r.command_line.json);
  r = Parse({"logs", "--follow", "--lines=3"});
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.command_line.follow);
  EXPECT_EQ(r.command_line.lines, 3);
  EXPECT_EQ(Parse({"logs", "-n", "0"}).error, "-n takes a whole number from 1 to 10000, not '0'");
  EXPECT_EQ(Parse({"logs", "-n", "abc"}).error,
            "-n takes a whole number from 1 to 10000, not 'abc'");
  EXPECT_EQ(Parse({"logs", "--instance", "web-0"}).error,
            "--instance needs the process name: logs NAME --instance ID");
  EXPECT_EQ(Parse({"logs", "a", "b"}).error, "logs takes a process name, got 'b'");
  EXPECT_EQ(Parse({"logs", "--wait"}).error, "unknown option '--wait' for logs");
  r = Parse({"events", "-n", "0", "--json"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.subcommand, Subcommand::kEvents);
  EXPECT_EQ(r.command_line.lines, 0);
  EXPECT_EQ(Parse({"events", "-f"}).error, "unknown option '-f' for events");
  EXPECT_EQ(Parse({"events", "web"}).error, "events takes no arguments, got 'web'");
  EXPECT_EQ(Parse({"events", "-n", "1001"}).error,
            "-n takes a whole number from 0 to 1000, not '1001'");
  EXPECT_EQ(Parse({"status", "-f"}).error, "unknown option '-f' for status");
  EXPECT_NE(UsageText(Subcommand::kLogs).find("logs [NAME] [-f] [-n N] [--instance ID]"),
            std::string::npos);
}

TEST(CommandLineTest, Tui) {
  const ParseResult r = Parse({"tui", "--url", "unix:/run/phpeek-pm.sock", "--token=t", "-c", "f"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.command_line.subcommand, Subcommand::kTui);
  EXPECT_EQ(r.command_line.url, "unix:/run/phpeek-pm.sock");
  EXPECT_EQ(r.command_line.token, "t");
  EXPECT_EQ(Parse({"tui", "web"}).error, "tui takes no arguments, got 'web'");
  EXPECT_EQ(Parse({"tui", "--json"}).error, "unknown option '--json' for tui");
  EXPECT_EQ(Parse({"tui", "--wait"}).error, "unknown option '--wait' for tui");
  EXPECT_NE(UsageText(Subcommand::kTui).find("Usage: phpeek-pm tui [-c FILE] [--url URL]"),
            std::string::npos);
}

TEST(CommandLineTest, UsageErrorsSayWhatIsWrong) {
  EXPECT_EQ(Parse({"frobnicate"}).error, "unknown command 'frobnicate'");
  EXPECT_EQ(Parse({"serve", "--strict"}).error, "unknown option '--strict' for serve");
  EXPECT_EQ(Parse({"-c"}).error, "option '-c' needs a value");
  EXPECT_EQ(Parse({"check-config", "--json=yes"}).error, "option '--json' takes no value");
  EXPECT_EQ(Parse({"start"}).error, "start takes a process name");
  EXPECT_EQ(Parse({"serve", "extra"}).error, "serve takes no arguments, got 'extra'");
  EXPECT_EQ(Parse({"stop", "a", "--timeout", "0"}).error,
            "--timeout takes a whole number of seconds above 0, not '0'");
}

}  // namespace
}  // namespace phpeek::cli

namespace phpeek::cli {
namespace {

TEST(CommandLineTest, AutotuneFlags) {
  const ParseResult serve =
      Parse({"serve", "--php-fpm-profile", "heavy", "--autotune-memory-threshold=0.8"});
  ASSERT_EQ(serve.error, "");
  EXPECT_EQ(serve.command_line.fpm_profile, "heavy");
  ASSERT_TRUE(serve.command_line.memory_threshold);
  EXPECT_DOUBLE_EQ(*serve.command_line.memory_threshold, 0.8);
  EXPECT_FALSE(Parse({"serve"}).command_line.memory_threshold);
  const ParseResult tune = Parse({"fpm-tune", "--profile", "dev", "--json", "-c", "f"});
  ASSERT_EQ(tune.error, "");
  EXPECT_EQ(tune.command_line.subcommand, Subcommand::kFpmTune);
  EXPECT_EQ(tune.command_line.fpm_profile, "dev");
  EXPECT_TRUE(tune.command_line.json);
  EXPECT_EQ(Parse({"fpm-tune", "--profile", "huge"}).error,
            "--profile takes one of dev, light, medium, heavy, bursty, not 'huge'");
  EXPECT_EQ(Parse({"--php-fpm-profile="}).error,
            "--php-fpm-profile takes one of dev, light, medium, heavy, bursty, not ''");
  EXPECT_EQ(Parse({"serve", "--autotune-memory-threshold", "-0.5"})
                .error.rfind("--autotune-memory-threshold must be a number from 0 to 2", 0),
            0u);
  // Each flag where it belongs.
  EXPECT_EQ(Parse({"serve", "--profile", "dev"}).error, "unknown option '--profile' for serve");
  EXPECT_EQ(Parse({"fpm-tune", "--php-fpm-profile", "dev"}).error,
            "unknown option '--php-fpm-profile' for fpm-tune");
  EXPECT_EQ(Parse({"fpm-tune", "extra"}).error, "fpm-tune takes no arguments, got 'extra'");
}

}  // namespace
}  // namespace phpeek::cli
